
import assessment.collection.models.imports
import assessment.collection.models.rounds
import assessment.core.attachments
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessment', '0009_move_models_to_domain_apps'),
        ('indicators', '0001_initial'),
        ('regions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models came from the assessment app with their tables (db_table keeps the old names):
    # the tables exist already, so only the migration state is created here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Round',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('period', models.CharField(help_text='For example 2025.', max_length=20, verbose_name='period')),
                        ('levels', models.JSONField(default=assessment.collection.models.rounds.default_levels, help_text='Region levels that take part, e.g. ["city", "county"].', verbose_name='participating levels')),
                        ('opens_at', models.DateTimeField(blank=True, null=True, validators=[assessment.collection.models.rounds.validate_round_year], verbose_name='opens at')),
                        ('closes_at', models.DateTimeField(blank=True, null=True, validators=[assessment.collection.models.rounds.validate_round_year], verbose_name='closes at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('open', 'Open'), ('closed', 'Closed'), ('published', 'Published')], default='draft', max_length=12, verbose_name='status')),
                        ('method', models.JSONField(blank=True, default=dict, help_text='How scores are computed: normalisation, missing data, aggregation.', verbose_name='methodology options')),
                        ('computed_at', models.DateTimeField(blank=True, null=True, verbose_name='results computed at')),
                        ('compute_notes', models.JSONField(blank=True, default=dict, help_text='Written by the compute step: counts, outlier treatments, sensitivity draws.', verbose_name='computation record')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('task_threshold', models.FloatField(default=60, help_text='When the results are published, every indicator and area of a region scoring below this becomes a rectification task.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='rectification threshold')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('previous', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_rounds', to='collection.round', verbose_name='previous round (for changes)')),
                        ('scope', models.ForeignKey(blank=True, help_text='Empty for a nationwide round.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='regions.region', verbose_name='scope (root region)')),
                        ('system', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rounds', to='indicators.indicatorsystem', verbose_name='indicator system')),
                    ],
                    options={
                        'verbose_name': 'round',
                        'verbose_name_plural': 'rounds',
                        'db_table': 'assessment_round',
                        'ordering': ['-period', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=200, upload_to=assessment.collection.models.imports.import_upload_to, verbose_name='workbook')),
                        ('original_name', models.CharField(max_length=200, verbose_name='original file name')),
                        ('include_approved', models.BooleanField(default=False, verbose_name='also overwrite submitted and approved submissions')),
                        ('status', models.CharField(choices=[('checked', 'Checked (dry run)'), ('applied', 'Applied')], default='checked', max_length=10, verbose_name='status')),
                        ('summary', models.JSONField(blank=True, default=dict, verbose_name='summary')),
                        ('problems', models.JSONField(blank=True, default=list, verbose_name='problems')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='applied at')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='collection.round', verbose_name='round')),
                    ],
                    options={
                        'verbose_name': 'Excel import',
                        'verbose_name_plural': 'Excel imports',
                        'db_table': 'assessment_importbatch',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Submission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('not_started', 'Not started'), ('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved')], default='not_started', max_length=12, verbose_name='status')),
                        ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='regions.region', verbose_name='region')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='submissions', to='collection.round', verbose_name='round')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                    ],
                    options={
                        'verbose_name': 'submission',
                        'verbose_name_plural': 'submissions',
                        'db_table': 'assessment_submission',
                        'ordering': ['round', 'region'],
                    },
                ),
                migrations.CreateModel(
                    name='ReviewComment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField(verbose_name='comment')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='collection.submission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'review comment',
                        'verbose_name_plural': 'review comments',
                        'db_table': 'assessment_reviewcomment',
                        'ordering': ['submission', '-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Extension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('closes_at', models.DateTimeField(validators=[assessment.collection.models.rounds.validate_round_year], verbose_name='new deadline')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('granted_at', models.DateTimeField(auto_now=True, verbose_name='granted at')),
                        ('granted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                        ('submission', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='extension', to='collection.submission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'deadline extension',
                        'verbose_name_plural': 'deadline extensions',
                        'db_table': 'assessment_extension',
                        'ordering': ['submission'],
                    },
                ),
                migrations.CreateModel(
                    name='Evidence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('file', 'File'), ('link', 'Link')], max_length=4, verbose_name='kind')),
                        ('file', models.FileField(blank=True, max_length=200, upload_to=assessment.core.attachments.attachment_upload_to, verbose_name='file')),
                        ('original_name', models.CharField(blank=True, max_length=200, verbose_name='original file name')),
                        ('content_type', models.CharField(blank=True, max_length=100, verbose_name='content type')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size in bytes')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='link')),
                        ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                        ('added_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='collection.submission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'evidence',
                        'verbose_name_plural': 'evidence',
                        'db_table': 'assessment_evidence',
                        'ordering': ['submission', 'indicator', 'added_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='when')),
                        ('action', models.CharField(choices=[('value', 'Value changed'), ('note', 'Note changed'), ('evidence_added', 'Evidence added'), ('evidence_removed', 'Evidence removed'), ('status', 'Status changed'), ('extension', 'Deadline extended')], max_length=20, verbose_name='action')),
                        ('source', models.CharField(choices=[('form', 'Entry form'), ('import', 'Excel import'), ('review', 'Review'), ('admin', 'Administration'), ('tasks', 'Rectification completion rate')], default='form', max_length=10, verbose_name='source')),
                        ('old', models.TextField(blank=True, verbose_name='old')),
                        ('new', models.TextField(blank=True, verbose_name='new')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('version', models.PositiveIntegerField(default=0, verbose_name='version after the change')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                        ('indicator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                        ('submission', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='audit', to='collection.submission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'audit entry',
                        'verbose_name_plural': 'audit trail',
                        'db_table': 'assessment_auditentry',
                        'ordering': ['-at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Value',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.DecimalField(blank=True, decimal_places=6, max_digits=20, null=True, verbose_name='raw value')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='indicators.indicator', verbose_name='indicator')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='values', to='collection.submission', verbose_name='submission')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
                    ],
                    options={
                        'verbose_name': 'value',
                        'verbose_name_plural': 'values',
                        'db_table': 'assessment_value',
                        'ordering': ['submission', 'indicator__order'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='submission',
                    constraint=models.UniqueConstraint(fields=('round', 'region'), name='unique_submission'),
                ),
                migrations.AddIndex(
                    model_name='evidence',
                    index=models.Index(fields=['submission', 'indicator'], name='evidence_sub_ind'),
                ),
                migrations.AddIndex(
                    model_name='auditentry',
                    index=models.Index(fields=['submission', 'version'], name='audit_sub_version'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.UniqueConstraint(fields=('submission', 'indicator'), name='unique_value'),
                ),
            ],
            database_operations=[],
        ),
    ]
