from checker.quick import main

main()
