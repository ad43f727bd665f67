from otklik.cli import main

# Guarded: a bulk import's reader process imports this module again and must not run the CLI.
if __name__ == "__main__":
    main()
