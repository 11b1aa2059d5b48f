"""deploy/grafana-dashboard.json asks only for metrics (and labels) the service
exports: every query is read, and its names are looked up in a real scrape
of /metrics."""

import json
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.servers import REPO

DASHBOARD = REPO / "deploy" / "grafana-dashboard.json"
# What the queries may call besides metrics.
PROMQL_FUNCTIONS = {"sum", "rate", "histogram_quantile", "label_values", "avg", "max", "min", "increase"}
PROMQL_KEYWORDS = {"by", "without", "and", "or", "unless", "on", "ignoring"}
# Labels Prometheus adds to every scraped series.
SCRAPE_LABELS = {"instance", "job"}
# The panels the issue asks for, each found by a word of its title.
REQUIRED_PANELS = (
    "Requests per second", "Errors", "p50", "p95", "p99", "SQL statements", "Answer cache",
    "Rate-limit",
)


def queries():
    """Every PromQL text in the dashboard: panel targets and variable queries."""
    dashboard = json.loads(DASHBOARD.read_text())
    found = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            found.append(variable["query"]["query"])
    return found


def names_in(query):
    """(metric names, label names, function names) a PromQL text uses."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', query)  # string values
    text = re.sub(r"\[[^\]]*\]", "", text)  # range durations
    labels = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", text))
    for grouping in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", text):
        labels.update(name.strip() for name in grouping.split(",") if name.strip())
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\b(?:by|without)\s*\([^)]*\)", "", text)
    functions = set(re.findall(r"\b([a-z_]+)\s*\(", text))
    identifiers = set(re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", text))
    metrics = identifiers - functions - PROMQL_KEYWORDS - labels - {"__rate_interval", "instance"}
    # label_values(metric, label): its second argument is a label.
    for _, label in re.findall(r"label_values\(\s*(\w+)\s*,\s*(\w+)\s*\)", query):
        labels.add(label)
        metrics.discard(label)
    return metrics, labels, functions


@pytest.fixture(scope="module")
def exported(app):
    """Sample names and their labels in a real scrape, after a few requests."""
    client = app.test_client()
    client.get("/lookup/track/0000000000000000000000")
    client.get("/health")
    scrape = client.get("/metrics").get_data(as_text=True)
    samples = {}
    for family in text_string_to_metric_families(scrape):
        for sample in family.samples:
            samples.setdefault(sample.name, set()).update(sample.labels)
    return samples


def test_every_query_names_an_exported_metric(exported):
    for query in queries():
        metrics, _, _ = names_in(query)
        assert metrics, query
        assert metrics <= set(exported), (query, metrics - set(exported))


def test_every_label_a_query_uses_is_on_its_metrics(exported):
    for query in queries():
        metrics, labels, _ = names_in(query)
        available = set().union(*(exported[name] for name in metrics)) | SCRAPE_LABELS
        assert labels <= available, (query, labels - available)


def test_queries_call_only_promql_functions():
    for query in queries():
        _, _, functions = names_in(query)
        assert functions <= PROMQL_FUNCTIONS, query


def test_the_panels_the_issue_asks_for_are_there():
    titles = [panel["title"] for panel in json.loads(DASHBOARD.read_text())["panels"]]
    for word in REQUIRED_PANELS:
        assert any(word in title for title in titles), word


def test_a_misspelt_metric_would_be_caught(exported):
    metrics, _, _ = names_in('sum(rate(music_api_request_total{route="/health"}[5m]))')
    assert metrics == {"music_api_request_total"}
    assert not metrics <= set(exported)
