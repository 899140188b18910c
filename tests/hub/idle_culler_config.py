# jupyterhub-idle-culler configuration for the hub tests only.
#
# The tests shorten the culler's timeout to seconds; without a filter it would also stop the
# servers of users another test is in the middle of using. This arbiter keeps the culler's
# own rule (idle for longer than --timeout) for the users named in
# $COURSE_CULL_ONLY_USERS and never culls anyone else. A real hub needs no such file.

import os

ONLY = {name for name in os.environ.get("COURSE_CULL_ONLY_USERS", "").split(",") if name}


def cull_only_listed_users(inactive, inactive_limit, server):
    # The server model names no user, but its URL is /user/<name>/ (named servers add /<n>).
    parts = server.get("url", "").strip("/").split("/")
    user = parts[1] if len(parts) >= 2 and parts[0] == "user" else None
    return user in ONLY and inactive.total_seconds() >= inactive_limit


c = get_config()  # noqa: F821 (defined by traitlets when it loads this file)
c.IdleCuller.cull_arbiter_hook = cull_only_listed_users
