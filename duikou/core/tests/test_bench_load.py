"""`duikou bench load` sends traffic only to this machine and reads percentiles as expected."""

import pytest

from bench.load import loopback_only, percentile


def test_it_accepts_loopback_addresses_and_drops_the_trailing_slash():
    urls = [
        "http://127.0.0.1:8000/",
        "http://localhost:8001",
        "http://[::1]:8002",
        "http://127.8.0.2",
    ]
    assert loopback_only(urls) == [
        "http://127.0.0.1:8000",
        "http://localhost:8001",
        "http://[::1]:8002",
        "http://127.8.0.2",
    ]


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:8000", "http://192.168.1.2", "http://example.com", "ftp://127.0.0.1"]
)
def test_it_refuses_any_other_address(url):
    with pytest.raises(SystemExit, match=r"本机地址|不是 http"):
        loopback_only([url])


def test_p99_of_a_hundred_values_is_the_ninety_ninth():
    assert percentile([float(v) for v in range(1, 101)], 0.99) == 99.0
    assert percentile([], 0.99) == 0.0
