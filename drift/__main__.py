from drift.cli.commands import main

main()
