"""makemessages without fuzzy matching.

gettext's fuzzy matching guesses a translation for a new message from a similar old one
("Compute results" would inherit 结果); a wrong guess is worse than an empty entry, which
tests/test_i18n.py reports.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
