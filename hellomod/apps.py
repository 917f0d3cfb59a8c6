from django.contrib.admin.apps import AdminConfig


class HellomodAdminConfig(AdminConfig):
    """Django's admin, on the site that decides who may open which model."""

    default_site = "hellomod.admin_site.HellomodAdminSite"
