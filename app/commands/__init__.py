"""Sub-commands of the ``tingji`` command line; each module has ``register(subparsers)``."""
