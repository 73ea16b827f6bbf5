"""The Celery application: background jobs run by `celery -A governance worker`
and scheduled by one `celery -A governance beat` (docs/deployment.md). Its
settings are the CELERY_* names in governance.settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
