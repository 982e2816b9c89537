"""``python -m kokeilu``: the kokeilu command."""

from kokeilu.cli import main

if __name__ == "__main__":
    main()
