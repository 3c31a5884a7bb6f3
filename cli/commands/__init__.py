"""One module per `athar` sub-command; see :mod:`cli.main`."""
