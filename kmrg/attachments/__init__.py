"""Files attached to records (case studies now; meetings and communities later).

Generic by design: an attachment points at its owner with an (owner_type, owner_id) pair, and each
owning area registers who may see and change its attachments in kmrg.attachments.permissions.
"""

from flask import Blueprint

blueprint = Blueprint("attachments", __name__)
