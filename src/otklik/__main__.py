# Guarded, import included: a bulk import's reader process imports this module again and
# must neither run the CLI nor spend its start loading it.
if __name__ == "__main__":
    from otklik.cli import main

    main()
