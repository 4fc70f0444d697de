"""Identity resolution: person-bearing records -> Person identities, candidates and findings."""
