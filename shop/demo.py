"""`flask --app shop seed-demo`: the demo shop (slug `demo`) a newcomer sees first."""

import click


@click.command("seed-demo")
def seed_demo_command():
    """Create the demo shop with categories, photographed products and shipping methods."""
    raise click.ClickException("not built yet")  # TODO(stub): being built
