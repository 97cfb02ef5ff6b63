# the nightly data pipeline
