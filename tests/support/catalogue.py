"""The generated catalogue every test reads (built by the ``catalogue_dir`` fixture)."""

# Big enough to hold every kind of dirt, albums of 50+ tracks and shared
# ISRCs; small enough to build in a few seconds.
TEST_TRACKS = 12_000
TEST_SEED = 7
