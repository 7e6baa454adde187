"""A person's pronouns on their sign-in account are ciphertext in the database."""

from accounts.models import User
from cairn.demo import DemoWorld
from lib.testing import stored_columns


def test_account_pronouns_are_ciphertext_and_read_back(demo: DemoWorld) -> None:
    ana = demo.users["ana"]
    ana.pronouns = "ze/hir"
    ana.save(update_fields=["pronouns"])
    stored = stored_columns(ana, "pronouns")["pronouns"]
    assert stored.startswith("enc1:") and "ze/hir" not in stored
    assert User.objects.get(pk=ana.pk).pronouns == "ze/hir"
    assert stored_columns(ana, "username")["username"] == "ana"  # sign-in names stay plain
