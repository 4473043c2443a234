"""The demo catalogue's building blocks: categories, kinds, names, countries, boxes, badges.

Plain tables that `station.app.demo_data` draws from with a seeded random generator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    weight_g: tuple[int, int]
    dims_mm: tuple[int, int, int]
    options: tuple[str, ...]
    fragile: bool


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    code: str
    count: int
    brands: tuple[str, ...]
    kinds: tuple[Kind, ...]
    sizes: tuple[str, ...] = ()
    lot: bool = False
    serial: bool = False


def _kinds(table: str) -> tuple[Kind, ...]:
    """Parse `name | min-max g | LxWxH mm | option/option | fragile` lines."""
    kinds = []
    for line in table.strip().splitlines():
        name, weight, dims, options, flags = ([*(f.strip() for f in line.split("|")), "", ""])[:5]
        lo, hi = (int(v) for v in weight.split("-"))
        length, width, height = (int(v) for v in dims.split("x"))
        kinds.append(Kind(name, (lo, hi), (length, width, height),
                           tuple(options.split("/")) if options else (), flags == "fragile"))
    return tuple(kinds)


CATEGORIES = (
    Category("Apparel", "APP", 60, ("Nordvik", "Hollow Pine", "Fieldnote", "Marlow & Finch"),
              _kinds("""
Organic Cotton T-Shirt | 150-210 | 300x220x20 | Navy/Black/Heather Grey/Off-White/Olive
Relaxed Fit Hoodie | 480-650 | 350x280x60 | Black/Forest Green/Sand/Heather Grey
Slim Fit Jeans | 550-720 | 350x280x50 | Indigo/Black/Stone Wash
Merino Crew Socks, 2 Pairs | 70-100 | 200x100x30 | Charcoal/Navy/Oatmeal
Recycled Rain Jacket | 380-520 | 350x280x60 | Black/Ochre/Petrol
Piqué Polo Shirt | 200-260 | 300x220x30 | White/Navy/Burgundy
High-Waist Leggings | 180-240 | 280x200x30 | Black/Plum/Slate
Ribbed Beanie | 60-95 | 220x180x30 | Black/Rust/Cream
Linen Button-Down Shirt | 210-280 | 320x240x30 | White/Sky Blue/Sage
Fleece Quarter-Zip | 350-450 | 330x260x50 | Navy/Graphite/Moss
"""), sizes=("XS", "S", "M", "L", "XL", "XXL")),
    Category("Shoes", "SHO", 30, ("Stride Lab", "Kumo Trail", "Old Mill"), _kinds("""
Trail Running Shoe | 750-950 | 330x210x120 | Grey/Black/Lake Blue
Leather Sneaker | 900-1200 | 340x220x125 | White/Black/Tan
Chelsea Boot | 1300-1700 | 350x240x130 | Brown/Black
Canvas Slip-On | 550-700 | 320x200x110 | Navy/Off-White/Red
Waterproof Hiking Boot | 1500-1900 | 360x250x140 | Brown/Olive
Recovery Slide | 350-480 | 310x190x100 | Black/Sand
"""), sizes=tuple(f"EU {n}" for n in range(36, 47))),
    Category("Cosmetics", "COS", 40, ("Aveline", "Botaniq", "Clearwater Skin", "Maison Lune"),
              _kinds("""
Hydrating Face Cream, 50 ml | 110-140 | 70x70x60 | Hyaluronic Acid/Ceramide/Aloe Vera
Vitamin C Serum, 30 ml | 85-110 | 40x40x110 | | fragile
Micellar Cleansing Water, 400 ml | 430-460 | 70x50x200 | Sensitive Skin/Normal Skin
Tinted Lip Balm, 4.8 g | 15-20 | 20x20x85 | Cherry/Nude/Coral
Repair Shampoo, 250 ml | 280-310 | 60x40x180 | Argan/Coconut/Unscented
Hand Cream, 75 ml | 90-105 | 55x30x150 | Lavender/Almond/Unscented
Mineral Sunscreen SPF 50, 100 ml | 120-140 | 50x35x160
Body Lotion, 200 ml | 230-260 | 60x40x180 | Shea/Cucumber/Unscented
Eau de Parfum, 50 ml | 260-320 | 90x60x130 | Cedar & Fig/White Tea/Amber Rose | fragile
Clay Face Mask, 75 ml | 120-150 | 70x70x50 | Green Clay/Charcoal
"""), lot=True),
    Category("Supplements", "SUP", 35, ("VitaForm", "Pure Roots", "Kernwell"), _kinds("""
Vitamin D3 1000 IU, 90 Capsules | 60-80 | 50x50x90
Magnesium Citrate, 120 Capsules | 120-150 | 60x60x110
Omega-3 Fish Oil, 60 Softgels | 110-140 | 60x60x110
Whey Protein, 1 kg | 1080-1150 | 180x120x250 | Vanilla/Chocolate/Unflavoured
Zinc 25 mg, 100 Tablets | 60-75 | 50x50x90
Vitamin B12 Drops, 30 ml | 85-100 | 35x35x100
Collagen Powder, 300 g | 360-400 | 100x100x140 | Neutral/Berry
Probiotic 20 Billion CFU, 30 Capsules | 45-60 | 45x45x85
Iron + Vitamin C, 60 Tablets | 55-70 | 50x50x90
Electrolyte Tablets, 20 pcs | 95-110 | 30x30x160 | Lemon/Orange/Berry
Multivitamin Gummies, 60 pcs | 180-220 | 70x70x120 | Orange/Mixed Berry
Ashwagandha 600 mg, 60 Capsules | 60-80 | 50x50x90
"""), lot=True),
    Category("Electronics", "ELE", 35, ("Voltix", "Soundwave Labs", "Lumen", "Kiro"), _kinds("""
True Wireless Earbuds ANC | 95-130 | 110x90x45 | Black/White/Sage
Portable Bluetooth Speaker | 520-680 | 200x90x90 | Black/Ocean Blue/Sand
USB-C Power Bank 20000 mAh | 380-440 | 160x85x35 | Black/White
Smartwatch 42 mm | 180-240 | 110x110x80 | Black/Silver/Rose Gold
Mechanical Keyboard TKL | 950-1150 | 400x160x50 | Black/White
Wireless Mouse | 120-160 | 140x90x50 | Black/Graphite
USB-C Hub 7-in-1 | 120-150 | 140x70x25 | Space Grey
Noise-Cancelling Headphones | 420-520 | 230x200x90 | Black/Cream
4K Action Camera | 250-320 | 150x110x70
E-Reader 6 Inch | 280-330 | 190x140x30 | Black/Sage
Fitness Tracker | 80-110 | 120x80x40 | Black/Lilac/Teal
Webcam 1080p | 180-230 | 120x90x70
"""), serial=True),
    Category("Books", "BOK", 35, (), _kinds("""
Paperback | 220-420 | 198x129x25
Hardcover | 450-900 | 240x160x35
""")),
    Category("Home & Kitchen", "HOM", 40, ("Kitchenly", "Haus & Hearth", "Glasswerk"), _kinds("""
Borosilicate Glass Teapot, 1.2 l | 650-750 | 220x160x160 | | fragile
Crystal Wine Glasses, Set of 2 | 600-700 | 260x190x120 | | fragile
Double-Wall Coffee Glasses, Set of 2 | 380-450 | 200x110x120 | | fragile
Glass Storage Jars, Set of 3 | 1300-1500 | 300x110x180 | | fragile
Stoneware Mug, 350 ml | 330-380 | 130x100x110 | Sage/Cream/Charcoal | fragile
French Press, 1 l | 700-800 | 200x150x250 | Black/Copper | fragile
Glass Carafe with Lid, 1 l | 550-650 | 120x120x280 | | fragile
Chef's Knife, 20 cm | 210-260 | 350x80x30
Bamboo Cutting Board | 900-1200 | 400x280x25
Silicone Baking Mat | 120-160 | 420x60x60
Cast Iron Skillet, 26 cm | 2300-2600 | 460x280x60
Linen Tea Towels, Set of 3 | 180-230 | 250x180x30 | Natural/Rust/Striped
Enamel Saucepan, 16 cm | 900-1100 | 330x180x110 | Cream/Blue
""")),
    Category("Toys", "TOY", 25, ("Little Maple", "Brickbay", "Otter & Oak"), _kinds("""
Wooden Stacking Rainbow, 6 pcs | 650-800 | 300x160x80
Plush Fox, 30 cm | 180-240 | 300x200x120
Building Bricks Starter Set, 500 pcs | 700-850 | 380x260x70
Jigsaw Puzzle, 1000 pcs | 600-700 | 340x240x55 | Alpine Lake/Harbour at Dusk/Botanical Garden
Magnetic Tiles, 60 pcs | 900-1100 | 320x220x90
Wooden Train Set, 30 pcs | 1100-1400 | 420x300x90
Family Card Game | 200-260 | 130x95x40
Stunt Kite | 250-350 | 580x120x60 | Red/Blue
Play Dough, 8 Colours | 900-1050 | 280x200x90
""")),
)

BOOK_ADJECTIVES = ("Quiet", "Salt", "Northern", "Silent", "Hidden", "Last", "Paper", "Winter",
                   "Golden", "Lost", "Borrowed", "Amber")
BOOK_NOUNS = ("Harbour", "Orchard", "Lighthouse", "Garden", "River", "Archive", "Bridge", "Island",
              "House", "Summer", "Tide", "Shore")
BOOK_TOPICS = ("Bread", "Sleep", "Maps", "Coffee", "Bicycles", "Tea", "Typography", "Houseplants",
               "Fermentation", "Rivers")
AUTHORS = ("Mara Lindqvist", "Tomás Ferreira", "Helen Ashdown", "Jonas Vogt", "Inès Marchal",
           "Ruth Okafor", "Pieter de Wit", "Clara Montes", "Samuel Reyes", "Greta Holm")

COUNTRIES = {
    # code: (first names, last names, "city|region|postal code spec", streets,
    #        "carrier:service" (repeats make a carrier more likely), thank-you message).
    # Street names are ones found in most towns, so no address pairs a street with the wrong city.
    "DE": ("Lena Lukas Mia Jonas Sophie Felix Hannah Maximilian Emilia Paul Clara Jürgen Zoë",
           "Müller;Schmidt;Schneider;Fischer;Weber;Meyer;Wagner;Becker;Hoffmann;Schäfer;Koch;"
           "Richter;Krüger;Weiß",
           "Berlin||10115-14199;Hamburg||20095-22769;München||80331-81929;Köln||50667-51149;"
           "Frankfurt am Main||60306-60599;Leipzig||04103-04357;Freiburg im Breisgau||79098-79117",
           "Hauptstraße;Bahnhofstraße;Goethestraße;Schillerstraße;Lindenweg;Gartenstraße;"
           "Friedrichstraße;Bergstraße;Kirchweg",
           "DHL:Paket;DHL:Paket;DHL:Paket;DPD:Classic;Hermes:Paket;GLS:BusinessParcel;UPS:Standard",
           "Danke für deine Bestellung, {first}! Viel Freude damit."),
    "US": ("Emily Michael Olivia James Ava Ethan Madison Daniel Chloe Tyler",
           "Johnson;Williams;Brown;Garcia;Miller;Davis;Rodriguez;Martinez;Anderson;Thompson;O'Connor",
           "New York|NY|10001-10282;Brooklyn|NY|11201-11239;Austin|TX|78701-78759;"
           "Seattle|WA|98101-98199;Chicago|IL|60601-60661;Denver|CO|80202-80239;"
           "Portland|OR|97201-97239",
           "Main Street;Maple Street;Oak Avenue;Pine Street;Cedar Lane;Washington Avenue;"
           "Park Avenue;Elm Street",
           "USPS:Ground Advantage;USPS:Ground Advantage;USPS:Priority Mail;UPS:Ground;"
           "FedEx:Home Delivery",
           "Thanks for your order, {first}! We hope you love it."),
    "ES": ("Lucía Hugo Martina Pablo Sofía Álvaro Carmen Javier Elena Diego",
           "García;Fernández;González;Rodríguez;López;Martínez;Sánchez;Pérez;Gómez;Ruiz",
           "Madrid|Madrid|28001-28055;Barcelona|Barcelona|08001-08042;"
           "Valencia|Valencia|46001-46026;Sevilla|Sevilla|41001-41020;Bilbao|Bizkaia|48001-48015",
           "Calle Mayor;Calle Real;Avenida de la Constitución;Calle de Colón;Calle del Sol;"
           "Plaza de España",
           "Correos:Paq Estándar;SEUR:24;GLS:BusinessParcel;UPS:Standard",
           "¡Gracias por tu pedido, {first}! Esperamos que te encante."),
    "FR": ("Camille Louis Léa Hugo Chloé Théo Manon Lucas Inès Mathéo",
           "Martin;Bernard;Dubois;Thomas;Robert;Richard;Petit;Durand;Leroy;Moreau;Lefèvre",
           "Paris||75001-75020;Lyon||69001-69009;Marseille||13001-13016;Toulouse||31000-31500;"
           "Bordeaux||33000-33800;Nantes||44000-44300",
           "rue de la République;avenue Jean Jaurès;rue Victor Hugo;rue Pasteur;"
           "boulevard Gambetta;rue de la Gare",
           "Colissimo:Domicile;Colissimo:Domicile;Chronopost:Chrono 13;DPD:Predict;UPS:Standard",
           "Merci pour votre commande, {first} ! Nous espérons qu'elle vous plaira."),
    "GB": ("Oliver Amelia Harry Isla George Ava Jack Freya Charlie Poppy",
           "Smith;Jones;Taylor;Brown;Wilson;Evans;Thomas;Roberts;Walker;Hughes",
           "London||SW1A/EC1V/N1/E2/SE1/NW3/W11/SW11;Manchester||M1/M4/M20;"
           "Edinburgh||EH1/EH3/EH10;Bristol||BS1/BS8;Leeds||LS1/LS6",
           "High Street;Station Road;Victoria Road;Church Lane;The Crescent;Park Avenue;"
           "Queen Street;Mill Lane",
           "Royal Mail:Tracked 48;Royal Mail:Tracked 48;Royal Mail:Tracked 24;DPD:Next Day;"
           "Evri:Standard",
           "Thanks for your order, {first}! We hope you love it."),
    "NL": ("Daan Emma Sem Julia Lucas Tess Finn Sophie Bram Anouk",
           "de Jong;Jansen;de Vries;van den Berg;van Dijk;Bakker;Visser;Smit;Meijer;de Boer",
           "Amsterdam||1011-1109;Rotterdam||3011-3089;Utrecht||3511-3585;Den Haag||2511-2597;"
           "Eindhoven||5611-5658",
           "Kerkstraat;Dorpsstraat;Molenweg;Stationsweg;Julianalaan;Wilhelminastraat;Schoolstraat",
           "PostNL:Standaard;PostNL:Standaard;DHL:Parcel Connect;DPD:Classic",
           "Bedankt voor je bestelling, {first}! Veel plezier ermee."),
}
COUNTRY_WEIGHTS = {"DE": 34, "US": 14, "ES": 10, "FR": 12, "GB": 15, "NL": 15}

BOXES = [
    {"code": "S", "name": "Small box", "tare_g": 90, "dimensions_mm": [200, 150, 100]},
    {"code": "M", "name": "Medium box", "tare_g": 160, "dimensions_mm": [300, 250, 150]},
    {"code": "L", "name": "Large box", "tare_g": 280, "dimensions_mm": [400, 300, 200]},
    {"code": "XL", "name": "Extra large box", "tare_g": 460, "dimensions_mm": [600, 400, 400]},
    {"code": "MAILER", "name": "Book mailer", "tare_g": 110, "dimensions_mm": [330, 240, 70]},
    {"code": "BAG", "name": "Padded mailer bag", "tare_g": 25, "dimensions_mm": [350, 250, 20]},
    {"code": "POLY", "name": "Poly mailer (apparel)", "tare_g": 15,
     "dimensions_mm": [400, 300, 10]},
]
# Demo badges and PINs; `packbench demo` tells people to use badges 1001 and 9001.
PACKERS = [
    {"badge_id": "1001", "name": "Anna Schmidt", "role": "packer", "pin": "4821"},
    {"badge_id": "1002", "name": "Jonas Weber", "role": "packer", "pin": "5930"},
    {"badge_id": "1003", "name": "Fatma Yılmaz", "role": "packer", "pin": "6174"},
    {"badge_id": "9001", "name": "Sabine Krüger", "role": "supervisor", "pin": "9090"},
]
