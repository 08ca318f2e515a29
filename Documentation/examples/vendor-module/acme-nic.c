// SPDX-License-Identifier: MIT
/*
 * acme-nic.c - an example out-of-tree ("vendor") device plugin for
 * plugcheck: a PCIe network card with a configurable number of receive
 * queues.  Built outside plugcheck's source tree against the installed
 * headers only (see Makefile: `pkg-config --cflags --libs plugcheck`).
 *
 * Walk-through: Documentation/plugin-guide.md (writing it) and
 * Documentation/user-guide.md, "Vendors" (building, recording a baseline,
 * checking a change).
 *
 * What it declares, as data read by plugcheck without running this code:
 *  - type acme-nic, a pci-device (the pci plugin shipped with plugcheck
 *    provides it) with PCIe, and its properties:
 *      rx-queues  guest-visible: the guest sees this many queues;
 *                 the state sends one ring index per queue;
 *      mtu-ext    an extended MTU, off by default;
 *  - the migration state layout "acme-nic": the PCI config space (the
 *    shipped PCIEDevice description), the MAC address, one ring index per
 *    receive queue, and a subsection sent only when mtu-ext is on.
 * And one code hook: post_load rejects a state whose ring indices are
 * beyond the ring size, as a real device's post_load would.
 */
#include <stddef.h>
#include <stdint.h>

#include <plugcheck/plugin.h>

#define ACME_RING_SIZE 256

PLUGCHECK_EXPORT int acme_nic_post_load(const struct plugcheck_api *api,
					struct plugcheck_hook_ctx *ctx);

PLUGCHECK_EXPORT int acme_nic_post_load(const struct plugcheck_api *api,
					struct plugcheck_hook_ctx *ctx)
{
	int64_t queues;

	/* the api table only grows: check it has what this plugin uses */
	if (!api || api->size < offsetof(struct plugcheck_api, reserved))
		return -1;
	if (api->prop_int(ctx, "rx-queues", &queues))
		return 0; /* not this device's state */
	for (uint32_t i = 0; i < (uint32_t)queues; i++) {
		uint64_t idx;

		if (api->field_u64(ctx, "rx_head", i, &idx))
			break;
		if (idx >= ACME_RING_SIZE) {
			api->reject(ctx, "acme-nic: rx queue %u head %llu beyond the ring (%d)",
				    i, (unsigned long long)idx, ACME_RING_SIZE);
			return -1;
		}
	}
	return 0;
}

PLUGCHECK_MODULE(NULL,
	PC_PLUGIN("acme-nic", "1.0")
	PC_DESCRIPTION("ACME PCIe network card (example vendor module)")
	PC_LICENSE("MIT")
	PC_AUTHOR("ACME Corp")

	/* sent only when the extended MTU is on */
	PC_VMSD("acme-nic/mtu", "version=1 min=1")
	PC_FIELD_U32("mtu", "")
	PC_END

	PC_VMSD("acme-nic", "version=1 min=1")
	PC_FIELD_STRUCT("parent_obj", "PCIEDevice", "")
	PC_FIELD_U8("mac", "count=6")
	PC_FIELD_U16("rx_head", "count=rx-queues")
	PC_SUBSECTION("acme-nic/mtu", "needed=mtu-ext")
	PC_END

	PC_TYPE("acme-nic", "parent=pci-device interfaces=pci-express-device section=acme-nic"
		" doc=\"ACME PCIe NIC\"")
	PC_PROP_U16("rx-queues", "default=1 guest-visible"
		" doc=\"receive queues the guest sees\"")
	PC_PROP_BOOL("mtu-ext", "default=off doc=\"extended MTU\"")
	PC_HOOK("post_load", "acme_nic_post_load")
	PC_END
);
