"""What a browser on another site sends: its origin, and the preflight it
makes before a JSON POST /batch/lookup."""

ORIGIN = "https://player.example"
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "Content-Type",
}
