"""Start packbench: `python main.py ...` is the same as the `packbench` command."""

from station.cli import main

if __name__ == "__main__":
    main()
