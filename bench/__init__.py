"""The benchmark suite (`make bench`): Cairn's pages against two baselines, at a named scale."""
