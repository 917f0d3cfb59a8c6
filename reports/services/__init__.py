"""Every state change of the moderation domain, one function each.

Views, API views, admin actions, management commands and Celery tasks call these; none of them
writes moderation rows on its own.
"""
