"""A moderator's own preferences for how pages show them the work."""

from accounts.models import User


def set_preferences(*, actor: User, blur_media: bool) -> User:
    """Save the actor's own choices; they change what pages show them, nothing on the record.

    Not audited: a preference decides nothing about a member or a case.
    """
    actor.blur_media = blur_media
    actor.save(update_fields=["blur_media"])
    return actor
