# Loaded with Django, so that tasks bind to this app and `delay` knows the broker.
from governance.celery import app as celery_app

__all__ = ["celery_app"]
