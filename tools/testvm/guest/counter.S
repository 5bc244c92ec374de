/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration test's guest: bare-metal code for QEMU's virt machine that
 * counts in memory and prints the count on the PL011, so that after a
 * migration the count must go on from where it was, not start again.
 *
 *	count 0000000000000001
 *	count 0000000000000002 ...
 *
 * It also owns CPU state that must survive a migration unchanged: a
 * pattern in x22-x28, TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1 and the virtual
 * timer's compare value (CNTV_CVAL_EL0, timer disabled).  Each round
 * checks all of it before it prints its count, so a count line says the
 * state held; on the first difference it prints "state BAD <register>"
 * and stops counting.
 */
	.equ	UART, 0x09000000	/* PL011 data register on virt */
	.equ	DELAY, 0x2000000	/* about 0.2-1 s per count, emulated */

	.text
	.global	_start
	/* PAT(n): the value register or slot n holds. */
	.equ	PAT, 0x5a5a5a5a00000000

	.macro	setx reg, n
	ldr	\reg, =PAT + \n
	.endm
	.macro	setsys sysreg, n
	ldr	x0, =PAT + \n
	msr	\sysreg, x0
	.endm
	/* Compare a register with its pattern; x0 names it if it differs. */
	.macro	chkx reg, n, name
	ldr	x1, =PAT + \n
	cmp	\reg, x1
	adr	x0, \name
	b.ne	bad
	.endm
	.macro	chksys sysreg, n, name
	mrs	x2, \sysreg
	ldr	x1, =PAT + \n
	cmp	x2, x1
	adr	x0, \name
	b.ne	bad
	.endm

_start:
	ldr	x20, =UART
	adr	x21, count
	setx	x22, 22
	setx	x23, 23
	setx	x24, 24
	setx	x25, 25
	setx	x26, 26
	setx	x27, 27
	setx	x28, 28
	setsys	tpidr_el0, 30
	setsys	tpidrro_el0, 31
	setsys	tpidr_el1, 32
	msr	cntv_ctl_el0, xzr
	setsys	cntv_cval_el0, 33
1:	ldr	x19, [x21]
	add	x19, x19, #1
	str	x19, [x21]
	chkx	x22, 22, n_x22
	chkx	x23, 23, n_x23
	chkx	x24, 24, n_x24
	chkx	x25, 25, n_x25
	chkx	x26, 26, n_x26
	chkx	x27, 27, n_x27
	chkx	x28, 28, n_x28
	chksys	tpidr_el0, 30, n_tpidr_el0
	chksys	tpidrro_el0, 31, n_tpidrro_el0
	chksys	tpidr_el1, 32, n_tpidr_el1
	chksys	cntv_cval_el0, 33, n_cntv_cval_el0
	adr	x0, msg
	bl	puts
	mov	x0, x19
	bl	puthex
	mov	x0, #'\n'
	strb	w0, [x20]
	ldr	x1, =DELAY
2:	subs	x1, x1, #1
	b.ne	2b
	b	1b

/* "state BAD <name>" (x0: the name), then nothing more. */
bad:	mov	x5, x0
	adr	x0, badmsg
	bl	puts
	mov	x0, x5
	bl	puts
	mov	x0, #'\n'
	strb	w0, [x20]
5:	wfe
	b	5b

/* puts(x0): a NUL-terminated string. */
puts:	ldrb	w1, [x0], #1
	cbz	w1, 3f
	strb	w1, [x20]
	b	puts
3:	ret

/* puthex(x0): 16 hex digits. */
puthex:	mov	x2, #60
4:	lsr	x1, x0, x2
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x3, x1, #'0'
	add	x4, x1, #('a' - 10)
	csel	x1, x3, x4, lo
	strb	w1, [x20]
	subs	x2, x2, #4
	b.ge	4b
	ret

	.ltorg
	.balign	8
count:	.quad	0
msg:	.asciz	"count "
badmsg:	.asciz	"state BAD "
n_x22:	.asciz	"x22"
n_x23:	.asciz	"x23"
n_x24:	.asciz	"x24"
n_x25:	.asciz	"x25"
n_x26:	.asciz	"x26"
n_x27:	.asciz	"x27"
n_x28:	.asciz	"x28"
n_tpidr_el0:	.asciz	"TPIDR_EL0"
n_tpidrro_el0:	.asciz	"TPIDRRO_EL0"
n_tpidr_el1:	.asciz	"TPIDR_EL1"
n_cntv_cval_el0:	.asciz	"CNTV_CVAL_EL0"
