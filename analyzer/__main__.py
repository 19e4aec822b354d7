"""``python -m analyzer`` runs the ``seamline`` command."""

from analyzer.cli import main

if __name__ == "__main__":
    main()
