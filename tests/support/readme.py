"""The README's curl examples, as the demo prints them and the README shows them."""

# The address the examples use: `make run`'s default bind.
README_URL = "http://127.0.0.1:8080"


def curl_commands(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
