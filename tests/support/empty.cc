// Keeps cds_test_support non-empty while support/ has no sources.
