// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fx-vsock - a vendor vhost socket device (as QEMU's vhost-vsock).  In
 * 11.0 the seqpacket feature is off unless the user turns it on.
 */
#include <plugcheck/plugin.h>

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("fx-vsock", "1.0")
	PC_DESCRIPTION("vendor vhost socket device")
	PC_LICENSE("GPL-2.0-or-later")

	PC_VMSD("fx-vsock", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIDevice", "")
	PC_FIELD_U64("guest_features", "")
	PC_END

	PC_TYPE("fx-vsock", "parent=pci-device section=fx-vsock")
	PC_PROP_ONOFFAUTO("seqpacket", "default=off guest-visible")
	PC_END
);
