"""`kg store load` (the persistent store), `kg publish` (to a Graph Store Protocol server) and the
remote side of `kg query --endpoint`."""

from __future__ import annotations

from pathlib import Path

import click

from kg import config

DEFAULT_STORE = config.BUILD_DIR / "store"


@click.group("store")
def store_group() -> None:
    """The persistent on-disk store that `kg serve --store` opens (see docs/store.md)."""


@store_group.command("load")
@click.option("--graph", "graph_paths", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=[config.BUILD_DIR / "graph.nq"], show_default=True,
              help="Built RDF file(s) (.nq, .trig, .ttl, .nt); repeat for several.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="Store folder, replaced atomically.")
def store_load(graph_paths: tuple[Path, ...], store_dir: Path) -> None:
    """Bulk-load the built graph into an on-disk store (RocksDB), the union as its default graph."""
    from kg.store import StoreError, build_store

    try:
        count = build_store(graph_paths, store_dir)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {count} quads to {store_dir}")


def auth_options(command):
    """--user/--password/--token, shared by publish and query --endpoint."""
    command = click.option("--token", default=None, envvar="KG_ENDPOINT_TOKEN",
                           help="Bearer token (or KG_ENDPOINT_TOKEN).")(command)
    command = click.option("--password", default=None, envvar="KG_ENDPOINT_PASSWORD",
                           help="Password for --user (or KG_ENDPOINT_PASSWORD).")(command)
    return click.option("--user", default=None, help="User for HTTP basic authentication.")(command)


def make_auth(user: str | None, password: str | None, token: str | None):
    from kg.store.publish import Auth

    if token and user:
        raise click.UsageError("give either --user/--password or --token, not both")
    return Auth(user=user, password=password, token=token)


@click.command("publish")
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:7878/store "
              "(Oxigraph) or http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", "graph_paths", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=[config.BUILD_DIR / "graph.nq"], show_default=True,
              help="Built RDF file(s) (.nq, .trig); repeat for several.")
@click.option("--default-graph/--no-default-graph", default=True, show_default=True,
              help="Also PUT the union of the named graphs as the default graph (the library queries read it).")
@auth_options
def publish(endpoint: str, graph_paths: tuple[Path, ...], default_graph: bool, user: str | None,
            password: str | None, token: str | None) -> None:
    """PUT every named graph of the build to a SPARQL 1.1 Graph Store Protocol server."""
    from kg.store.query import load_store
    from kg.store import PublishError
    from kg.store import publish as put_graphs

    try:
        store = load_store(graph_paths)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    try:
        puts = put_graphs(store, endpoint, make_auth(user, password, token), default_graph=default_graph)
    except PublishError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"published {puts} graphs to {endpoint}")


def query_endpoint(endpoint: str, query_file: Path, text: str, max_rows: int, auth):
    """The QueryResult of the query run on a remote endpoint; errors name the file."""
    from kg.store import RemoteError, remote_query

    try:
        return remote_query(endpoint, text, max_rows=max_rows, auth=auth)
    except RemoteError as error:
        raise click.ClickException(f"{query_file}: {error}") from error


def open_persistent(store_dir: Path):
    """The persistent store for `kg serve --store`; a folder that is not one is a clear error."""
    from kg.store import StoreError, open_store

    try:
        return open_store(store_dir)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
