"""Commands that work with SPARQL stores: ``push`` and ``serve``.

Owns: their options and the library call each makes. Must not: speak HTTP itself
(:mod:`rusgraph.remote` does).
"""

from __future__ import annotations

import sys

import click

from .group import CliError, EXIT_OK, handle_errors, main
from .options import connect_endpoint, endpoint_options, load_graph, source_options


# -------------------------------------------------------------------------- push, serve


@main.command()
@source_options
@click.option("--store-url", metavar="URL", help="Graph Store Protocol URL (e.g. http://localhost:7878/store); tried first.")
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (e.g. http://localhost:7878/update); "
                                                  "used when there is no Graph Store Protocol.")
@click.option("--replace", is_flag=True, help="Replace each pushed graph instead of adding to it.")
@click.option("--prune", is_flag=True, help="Then drop the store's other rusgraph graphs (under "
              "https://w3id.org/rusgraph/graph/): sources removed or renamed since an earlier push, or an "
              "inferred graph this push does not write.")
@click.option("--with-inferred", is_flag=True, help="Push the inferred graph too (implies --inference owlrl if none given).")
@click.option("--batch-size", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Triples per request.")
@endpoint_options
@handle_errors
def push(data, ontology, no_ontology, inference, replace, prune, with_inferred, batch_size, remote):  # type: ignore[no-untyped-def]
    """Write the graph into a SPARQL store, one named graph per source.

    The ontology goes to https://w3id.org/rusgraph/graph/ontology, each data file to
    .../graph/<upper|plans>/<file>, and (with --with-inferred) inferred triples to
    .../graph/inferred. The Graph Store Protocol is used when --store-url is given;
    otherwise, or when the store has none, SPARQL Update INSERT DATA in batches. Credentials
    (--user/--password) go out when the store asks, as Digest or Basic. --replace writes
    each graph whole into a staging graph and then copies it over the old one in one step
    (with only --store-url: one PUT per graph), so a failure leaves the old graph as it was
    and concurrent pushes never mix. Pushing twice is safe: adding triples a graph already
    holds changes nothing (graphs with blank nodes are always replaced, never doubled). If
    a graph fails, push stops, says which graphs were and were not written, and exits 2. With
    --prune, rusgraph graphs in the store that this push did not write are dropped after
    (so that --replace --prune leaves the store holding exactly what was pushed).

    \b
    Examples:
      rusgraph push --endpoint http://localhost:7878/query --store-url http://localhost:7878/store
      rusgraph push --endpoint http://localhost:7878/query --update-url http://localhost:7878/update --replace
      rusgraph push --endpoint http://localhost:7878/query --store-url http://localhost:7878/store --replace --prune
      rusgraph push my-plan.ttl --endpoint http://localhost:7878/query --store-url http://localhost:7878/store
    """
    from ..remote.push import push as run_push

    if remote is None:
        raise CliError("push needs --endpoint URL (and --store-url or --update-url)")
    if with_inferred and inference == "none":
        inference = "owlrl"
    endpoint = connect_endpoint(remote)
    kg = load_graph(data, ontology, no_ontology, inference)
    result = run_push(kg, endpoint, replace=replace, with_inferred=with_inferred, batch_size=batch_size, prune=prune)
    click.echo(result.summary(), err=True)


@main.command()
@source_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host (the server has no authentication).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (e.g. the machine's DNS name with --allow-remote).")
@click.option("--time-limit", type=click.IntRange(min=1), default=60, show_default=True,
              help="Seconds a query may run before the server stops it.")
@click.option("--location", type=click.Path(file_okay=False),
              help="Keep the store in this new or empty directory (default: a temporary one).")
@handle_errors
def serve(data, ontology, no_ontology, inference, host, port, allow_remote, allow_hosts, time_limit, location):  # type: ignore[no-untyped-def]
    """Serve the graph read-only over SPARQL with Oxigraph, until Ctrl-C.

    Loads the graph into an Oxigraph store (one named graph per source; queries see their
    union as the default graph) and runs `oxigraph serve-read-only` on it: a SPARQL 1.1
    endpoint at /query with a query page at /. Clients reach it through a gate that
    refuses SERVICE (the server fetches nothing), updates and LOAD, answers only requests
    addressed to it by its own name (Host header), and stops every query after
    --time-limit seconds. Needs pip install 'rusgraph[serve]'.

    \b
    Examples:
      rusgraph serve
      rusgraph serve --port 7879 --inference owlrl
      rusgraph report coverage --endpoint http://127.0.0.1:7878/query
    """
    import signal

    from ..remote.server import serve as run_serve

    kg = load_graph(data, ontology, no_ontology, inference, upper="plan")  # a plan alone is served with the upper levels
    # SIGTERM stops the server as Ctrl-C does (serve() and the finally below clean up for
    # both); Ctrl-C is re-armed because a shell starting us in the background ignores it.
    before = (signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK)),
              signal.signal(signal.SIGINT, signal.default_int_handler))
    try:
        server = run_serve(kg, host=host, port=port, location=location, allow_remote=allow_remote,
                           time_limit=time_limit, allowed_hosts=tuple(allow_hosts))
        click.echo(f"serving {server.query_url} (oxigraph pid {server.pid}, read-only); Ctrl-C to stop", err=True)
        try:
            code = server.wait()
            raise CliError(f"the oxigraph server stopped by itself (exit code {code}): {server.output()[-300:]}")
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            click.echo("stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])


if __name__ == "__main__":
    main()
