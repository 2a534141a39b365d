"""canned replies: the starter "emergency" reply no longer says text messages to 112 need
registration (they have not since 28 June 2025)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 23:40:00

Only rows still holding the original starter text are changed; a supervisor's own edits stay.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_TO_NEW = {
    "Jos sinä tai joku muu on nyt vaarassa, soita hätänumeroon 112. Jos et voi puhua, käytä "
    "112 Suomi -sovellusta tai hätätekstiviestiä (vaatii etukäteen rekisteröitymisen). Voit "
    "jatkaa kirjoittamista täällä.":
    "Jos sinä tai joku muu on nyt vaarassa, soita tai tekstaa hätänumeroon 112. Tekstiviesti "
    "112:een toimii ilman rekisteröitymistä. Kirjoita ensin kunta ja osoite, mitä on "
    "tapahtunut ja että et voi puhua. Voit jatkaa kirjoittamista täällä.",
    "Om du eller någon annan är i fara nu, ring nödnumret 112. Om du inte kan tala, använd "
    "appen 112 Suomi eller nöd-sms (kräver registrering i förväg). Du kan fortsätta skriva här.":
    "Om du eller någon annan är i fara nu, ring eller sms:a nödnumret 112. Sms till 112 fungerar "
    "utan registrering. Skriv först kommun och adress, vad som har hänt och att du inte kan "
    "tala. Du kan fortsätta skriva här.",
    "If you or someone else is in danger now, call the emergency number 112. If you cannot "
    "speak, use the 112 Suomi app or the emergency text message service (needs registration in "
    "advance). You can keep writing here.":
    "If you or someone else is in danger now, call or text the emergency number 112. A text "
    "message to 112 works without registration. First write your municipality and address, "
    "what happened and that you cannot speak. You can keep writing here.",
}


def _replace(pairs: dict[str, str]) -> None:
    canned = sa.table("canned_replies", sa.column("text", sa.Text))
    for old, new in pairs.items():
        op.execute(canned.update().where(canned.c.text == old).values(text=new))


def upgrade() -> None:
    _replace(OLD_TO_NEW)


def downgrade() -> None:
    _replace({new: old for old, new in OLD_TO_NEW.items()})
