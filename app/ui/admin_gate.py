"""The admin role in the window: the password prompt (password policy) or the group check, and what a doctor
without the role is told. The checks themselves are :mod:`app.admin_role` (no Qt)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

__all__ = ["AdminGate"]

log = logging.getLogger(__name__)


class AdminGate(QObject):
    """Asks for, and checks, the admin role; tells the window when it is refused."""

    def ask_password(self, parent: QWidget) -> str | None:
        """The admin password typed in a prompt, or None when cancelled."""
        text, ok = QInputDialog.getText(parent, self.tr("Template administration"),
                                        self.tr("Admin password:"), QLineEdit.Password)
        return text if ok else None

    def _refusal(self, error) -> str:
        messages = {
            "no-password": self.tr("No admin password is set, so templates cannot be edited. IT sets one at "
                                   "installation: tingji admin set-password --write"),
            "wrong-password": self.tr("Wrong admin password: template administration was not opened."),
            "no-group": self.tr("The hospital file chooses the admin group policy but names no admin.group; "
                                "ask IT."),
            "not-in-group": self.tr("Only members of the OS group of template admins may edit templates; ask IT."),
            "unsupported": self.tr("This system has no OS groups; IT should set admin.policy = \"password\"."),
            "bad-hash": self.tr("The admin password in the hospital file is damaged; IT sets it again with "
                                "tingji admin set-password --write"),
        }
        return messages.get(error.reason, str(error))

    def authorize(self, window) -> str | None:
        """The admin's OS user, or None (refused or cancelled; the window says why)."""
        from app.admin_role import AdminRoleError, admin_policy, authorize

        policy = admin_policy()
        try:
            password = None
            if policy.policy == "password":
                if not policy.password_hash:
                    authorize(None, policy=policy)  # raises with reason no-password
                password = self.ask_password(window)
                if password is None:
                    return None
            return authorize(password, policy=policy)
        except AdminRoleError as error:
            log.info("template administration refused: %s", error.reason)
            window.tell(self._refusal(error))
            return None
