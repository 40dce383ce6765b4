from pgconsolidate.cli import main

main()
