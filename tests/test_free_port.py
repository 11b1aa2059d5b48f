"""tests.support.servers.free_port: the ports every server of the suite
listens on, chosen so that no client socket can take them first."""

import socket

import pytest

from tests.support import servers


def only_candidate(monkeypatch, tmp_path, port):
    """Make ``port`` the one port free_port may choose."""
    port_range = tmp_path / "ip_local_port_range"
    port_range.write_text(f"{port + 1}\t60999\n")
    monkeypatch.setattr(servers, "EPHEMERAL_PORTS", port_range)
    monkeypatch.setattr(servers, "LOWEST_FREE_PORT", port)
    monkeypatch.setattr(servers, "_handed_out_ports", set())


def test_ports_lie_below_the_ephemeral_range_and_are_never_handed_out_twice():
    ephemeral_low = int(servers.EPHEMERAL_PORTS.read_text().split()[0])
    ports = [servers.free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    assert all(servers.LOWEST_FREE_PORT <= port < ephemeral_low for port in ports)


def test_a_port_is_handed_out_once_even_when_nobody_took_it(monkeypatch, tmp_path):
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        port = sock.getsockname()[1]
    only_candidate(monkeypatch, tmp_path, port)
    assert servers.free_port() == port
    with pytest.raises(RuntimeError, match="no free port"):
        servers.free_port()


def test_a_port_bound_on_another_loopback_address_is_not_free(monkeypatch, tmp_path):
    # A client socket from 127.0.0.9 (as tests/support/traffic.py sends) makes
    # nginx's bind of 0.0.0.0 on that port fail.
    with socket.socket() as client:
        client.bind(("127.0.0.9", 0))
        only_candidate(monkeypatch, tmp_path, client.getsockname()[1])
        with pytest.raises(RuntimeError, match="no free port"):
            servers.free_port()
