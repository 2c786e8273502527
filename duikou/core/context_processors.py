"""What every page needs to know about the user's rights, asked of the policy module once."""

from duikou import policy
from duikou.core.menu import menu_for_user


def access(request) -> dict:
    user = request.user
    signed_in = user.is_authenticated
    return {
        "can_read_history": signed_in and policy.can_read_history(user),
        "can_see_personal_data": signed_in and policy.can_see_personal_data(user),
        "menu": menu_for_user(user),
    }
