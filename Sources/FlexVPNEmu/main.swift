print("flexvpn-emu")
