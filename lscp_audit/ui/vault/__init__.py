"""Vault screens: first-run wizard, unlock dialog, change-passphrase dialog, backups page, auto-lock.

All of them talk to `lscp_audit.services.vault_service.VaultService` only (never to storage):

- `first_run_wizard.FirstRunWizard(service, parent)`: location, passphrase with strength meter,
  keychain opt-in, recovery key (print/save) and a confirmation step. After ``exec()`` returns
  accepted, ``service.is_unlocked`` is True.
- `unlock_dialog.UnlockDialog(service, parent)`: passphrase or recovery key; offers restore from
  the newest good backup when the vault is damaged. Accepted = unlocked.
- `change_passphrase_dialog.ChangePassphraseDialog(service, parent)`.
- `backups_page.BackupsPage(service, parent=None)`: Settings section (back up now, restore,
  how many to keep, integrity check, keychain opt-in, change passphrase, rotate key).
- `auto_lock.AutoLock(on_idle, minutes=10, parent=None)`: application-wide idle timer.
"""
