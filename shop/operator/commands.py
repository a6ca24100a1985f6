"""`flask --app shop create-operator EMAIL`: give an account the operator's pages."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from shop.auth.operators import set_operator, users_by_email
from shop.extensions import db


@click.command("create-operator")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the operator's pages away instead.")
@with_appcontext
def create_operator_command(email: str, revoke: bool) -> None:
    """Mark the account signed in with EMAIL as an operator (it must have signed in once).

    Accounts are known by their Google identity, so the person signs in first; then
    this finds the account by its e-mail address.
    """
    users = users_by_email(email)
    if not users:
        raise click.ClickException(
            f"No account with the e-mail address {email!r}. "
            "Sign in with it once, then run this again."
        )
    if len(users) > 1:
        raise click.ClickException(
            f"{len(users)} accounts use {email!r}; none was changed. Ask the people behind them."
        )
    user = users[0]
    changed = set_operator(user, not revoke)
    db.session.commit()
    if revoke:
        done, same = "is no longer an operator.", "was not an operator."
    else:
        done, same = "is an operator: /operator/ lists every shop.", "was already an operator."
    click.echo(f"{user.email} {done if changed else same}")
