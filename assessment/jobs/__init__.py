"""Background jobs: long work (big exports, computing a round, publishing, large imports) runs
in a worker, not in a web request, and every job is a row its starter can watch."""
