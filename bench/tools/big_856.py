#!/usr/bin/env python3
"""Writes one large X12 file of 856 ship notices from the demo's partner Northwind
(004010VICS, one interchange, one group), for the big-file benchmark and tests.
Usage: big_856.py FILE MEGABYTES [ITEMS_PER_SET]
Each set is about 1.9 KB with 12 items: 1 GB holds about 546,000 sets."""
import sys


def set_text(n, items):
    st02 = f"{n:09d}"
    body = [
        f"ST*856*{st02}",
        f"BSN*00*SHP{n:09d}*20120515*0851*0001",
        "HL*1**S",
        "TD1*CTN25*1****G*1*LB",
        "TD5*B*2*FED2*M*FEDX 2 DAY*CC",
        f"REF*BM*BOL{n:09d}",
        f"REF*CN*TRK{n:09d}",
        "DTM*011*20120510",
        "DTM*067*20120510",
        "N1*ST**92*004",
        "N1*SF*DAVID YURMAN ENTERPR*92*12345",
        "HL*2*1*O",
        f"PRF*PO{n:09d}",
        "REF*DP*12345",
        "N1*BY**92*004",
        "HL*3*2*P",
        f"MAN*GM*000071216{n:011d}",
    ]
    for i in range(items):
        body += [
            f"HL*{4 + i}*3*I",
            f"LIN*{i + 1}*UP*88393228{i:04d}*PR*507.5*EN*R08916DSSDDBDI7",
            f"SN1*{i + 1}*1*EA*1*1*EA",
            "PID*F*08*VI*RY*16X12MM SMALL WHEATON",
        ]
    body.append(f"CTT*{3 + items}")
    body.append(f"SE*{len(body) + 1}*{st02}")
    return "~\n".join(body) + "~\n"


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: big_856.py FILE MEGABYTES [ITEMS_PER_SET]")
    path, target = sys.argv[1], int(float(sys.argv[2]) * 1024 * 1024)
    items = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    sets = 0
    with open(path, "w", encoding="ascii", newline="") as out:
        out.write("ISA*00*          *00*          *12*2125931122     *12*6143364545     *120515*0851*U*00401*000000777*0*P*>~\n")
        out.write("GS*SH*2125931122*6143364545*20120515*0851*777*X*004010VICS~\n")
        written = 0
        while written < target:
            sets += 1
            text = set_text(sets, items)
            out.write(text)
            written += len(text)
        out.write(f"GE*{sets}*777~\nIEA*1*000000777~\n")
    print(sets)


main()
