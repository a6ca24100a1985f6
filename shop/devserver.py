"""`flask --app shop dev`: the zero-set-up local run, with a local OpenID provider."""

import click


@click.command("dev")
def dev_command():
    """Migrate, seed the demo shop, start a local sign-in provider and serve the app."""
    raise click.ClickException("not built yet")  # TODO(stub): being built
