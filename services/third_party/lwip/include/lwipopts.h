/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP's configuration for the Network service (lwIP doc "lwipopts.h"; every option not
 * named here keeps lwIP's default from lwip/opt.h).
 *
 * One thread runs the whole stack with the raw (callback) API and no operating-system
 * layer (NO_SYS): the service's stack thread feeds received frames in, runs the timers
 * and drives every connection; nothing else calls lwIP. IPv4 only, with DHCP, ARP, ICMP
 * echo, UDP, TCP and the DNS client. Memory: the heap and pools below are lwIP's own,
 * carved from static arrays (no malloc from lwIP).
 *
 * Sizes: up to NET_MAX_REQUESTS (8) connections at once, each with a receive window of
 * 16 segments and a send buffer of 8; the pbuf pool holds every window's worth of
 * received segments plus the frames waiting in the receive ring.
 */
#pragma once

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1                  /* ping: ICMP echo requests and replies */
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0       /* no 2 s wait: the lease is the server's to check */
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define DNS_TABLE_SIZE 8
#define DNS_MAX_NAME_LENGTH 256
#define LWIP_DNS_SECURE (LWIP_DNS_SECURE_RAND_XID | LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING | \
			 LWIP_DNS_SECURE_RAND_SRC_PORT)
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* Memory: lwIP's heap for outgoing data and its pools, all static. */
#define MEM_ALIGNMENT 8
#define MEM_SIZE (512 * 1024)
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_RAW_PCB 4
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_TCP_PCB 24          /* 8 live + those in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_TCP_SEG 256
#define MEMP_NUM_ARP_QUEUE 16
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define PBUF_POOL_SIZE 256
#define PBUF_POOL_BUFSIZE 1536

/* TCP: full-size segments and a window that keeps a transfer flowing under emulation. */
#define TCP_MSS 1460
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_WND_SCALE 0
#define TCP_LISTEN_BACKLOG 0

/* Checksums are computed and checked in software (the driver offers no offload). */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1

/* Counters for the shell's `net` command. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LINK_STATS 1
#define IP_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 0
#define ETHARP_STATS 1

/* Unpredictable initial sequence numbers (RFC 6528's purpose, from the entropy source). */
#define LWIP_HOOK_FILENAME "lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
	lwip_orbital_tcp_isn()

#define LWIP_DEBUG 0
