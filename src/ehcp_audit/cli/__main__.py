from ehcp_audit.cli import main

main()
