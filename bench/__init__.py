"""The claimwatch benchmark suite (`python -m bench`, `make bench`): not part of the tests."""
