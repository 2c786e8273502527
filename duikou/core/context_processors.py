"""What every page needs to know about the user's rights, asked of the policy module once."""

from duikou import policy


def access(request) -> dict:
    user = request.user
    return {"can_read_history": user.is_authenticated and policy.can_read_history(user)}
