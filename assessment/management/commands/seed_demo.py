from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand

from assessment.demo.demo import DEMO_PASSWORD, seed_demo
from assessment.demo.demo_api import DEMO_API_TOKEN, DEMO_PLATFORM


class Command(BaseCommand):
    help = "Load the Zhejiang demo: regions, default system, rounds 2024–2026 and demo users."

    def handle(self, *args, **options):
        logins = seed_demo()
        roles = Counter(login.role for login in logins)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            if login.role != "staff":
                self.stdout.write(f"  {login.username:<20} {login.role:<11} {login.region}")
        self.stdout.write(
            f"  staff-<code>         staff       {roles['staff']} users, one per city and county "
            "(e.g. staff-330100 杭州市, staff-330106 西湖区)"
        )
        self.stdout.write(f"Open API token of {DEMO_PLATFORM}: {DEMO_API_TOKEN}")
        self.stdout.write(
            "  curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8000/api/v1/rounds"
        )
