"""djshop: a Django web shop for outdoor gear."""
