from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialAccountsConfig(AppConfig):
    name = "social_accounts"
    verbose_name = _("Social accounts")
