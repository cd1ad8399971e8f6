"""Memory views of the model: the guest's page tables, virtual access through them, and
the boot page tables the model builds in place of boot.S."""
