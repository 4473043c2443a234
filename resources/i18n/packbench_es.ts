<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../station/ui/actions.py" line="+72"/>
        <source>Log in with PIN</source>
        <translation>Entrar con PIN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Override with PIN</source>
        <translation>Autorizar con PIN</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New box</source>
        <translation>Caja nueva</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-weigh</source>
        <translation>Repesar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Short pick</source>
        <translation>Falta artículo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Damaged</source>
        <translation>Dañado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel pack</source>
        <translation>Cancelar embalaje</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reprint labels</source>
        <translation>Reimprimir etiquetas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Volver</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last labels</source>
        <translation>Últimas etiquetas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
</context>
<context>
    <name>Boxes</name>
    <message>
        <location filename="../../station/ui/boxes_model.py" line="+37"/>
        <source>packing</source>
        <translation>embalando</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on the scale</source>
        <translation>en la báscula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight OK</source>
        <translation>peso OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>weight wrong</source>
        <translation>peso incorrecto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>overridden</source>
        <translation>peso autorizado</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Box</source>
        <translation>Caja</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Items</source>
        <translation>Artículos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>{status} ({grams} g)</source>
        <translation>{status} ({grams} g)</translation>
    </message>
</context>
<context>
    <name>DeviceTab</name>
    <message>
        <location filename="../../station/ui/setup_device.py" line="+51"/>
        <source>Printer status</source>
        <translation>Estado de la impresora</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Listen to scanner</source>
        <translation>Escuchar escáner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read scale</source>
        <translation>Leer báscula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print test label</source>
        <translation>Imprimir etiqueta de prueba</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Print test insert</source>
        <translation>Imprimir albarán de prueba</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ping VLM</source>
        <translation>Probar VLM</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Serial port, or socket://host:port for a network device</source>
        <translation>Puerto serie, o socket://host:port para un dispositivo de red</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Protocol</source>
        <translation>Protocolo</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Baud rate</source>
        <translation>Velocidad (baudios)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reply timeout</source>
        <translation>Tiempo de espera de respuesta</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Bytes sent (TX &gt;) and received (RX &lt;)</source>
        <translation>Bytes enviados (TX &gt;) y recibidos (RX &lt;)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not tested yet</source>
        <translation>Sin probar todavía</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Baud rate must be a whole number, e.g. 9600</source>
        <translation>La velocidad en baudios debe ser un número entero, p. ej. 9600</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Cannot test: {why}</source>
        <translation>No se puede probar: {why}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter the device URL first</source>
        <translation>Introduzca primero la URL del dispositivo</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Opening the scanner port...</source>
        <translation>Abriendo el puerto del escáner...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Printing...</source>
        <translation>Imprimiendo...</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Testing...</source>
        <translation>Probando...</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Listening for {seconds:g} s: scan a code now</source>
        <translation>Escuchando durante {seconds:g} s: escanee un código ahora</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>FAIL: {why}</source>
        <translation>FALLO: {why}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>OK: {summary}</source>
        <translation>OK: {summary}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>FAIL: {summary}</source>
        <translation>FALLO: {summary}</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <location filename="../../station/ui/widgets.py" line="+33"/>
        <source>Scanner</source>
        <translation>Escáner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scale</source>
        <translation>Báscula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label printer</source>
        <translation>Impresora de etiquetas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt printer</source>
        <translation>Impresora de tickets</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>VLM</source>
        <translation>VLM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backend</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound</source>
        <translation>Sonido</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>connected</source>
        <translation>en línea</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not ready</source>
        <translation>requiere atención</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>disconnected</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ERROR</source>
        <translation>ERROR</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not seen yet</source>
        <translation>sin datos aún</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{device}: {state}</source>
        <translation>{device}: {state}</translation>
    </message>
</context>
<context>
    <name>Lines</name>
    <message>
        <location filename="../../station/ui/lines_model.py" line="+30"/>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Item</source>
        <translation>Artículo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scanned</source>
        <translation>Escaneado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot / serial</source>
        <translation>Lote / serie</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>complete</source>
        <translation>completa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} to scan</source>
        <translation>{n} por escanear</translation>
    </message>
</context>
<context>
    <name>LongWork</name>
    <message>
        <location filename="../../station/ui/long_work.py" line="+46"/>
        <source>Reading the file</source>
        <translation>Leyendo el archivo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reading the file: {percent} %</source>
        <translation>Leyendo el archivo: {percent} %</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checking rows: {done} of {total}</source>
        <translation>Comprobando filas: {done} de {total}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Writing rows: {done} of {total}</source>
        <translation>Guardando filas: {done} de {total}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reprinting labels: order {done} of {total} ({order})</source>
        <translation>Reimprimiendo etiquetas: pedido {done} de {total} ({order})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reprinting labels: order {done} of {total}</source>
        <translation>Reimprimiendo etiquetas: pedido {done} de {total}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{phase}: {done} of {total}</source>
        <translation>{phase}: {done} de {total}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../station/ui/main_window.py" line="+192"/>
        <source>Waiting for the station</source>
        <translation>Esperando al puesto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting...</source>
        <translation>Iniciando...</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Short pick?</source>
        <translation>¿Falta un artículo?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The order goes on hold: an item is missing.</source>
        <translation>El pedido queda retenido: falta un artículo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Damaged item?</source>
        <translation>¿Artículo dañado?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The order goes on hold: an item is damaged.</source>
        <translation>El pedido queda retenido: un artículo está dañado.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel this pack?</source>
        <translation>¿Cancelar este embalaje?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The items go back; the order can be packed again.</source>
        <translation>Los artículos se devuelven; el pedido se podrá embalar de nuevo.</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Packer: {packer}     Station: {station}</source>
        <translation>Operario: {packer}     Puesto: {station}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No order</source>
        <translation>Sin pedido</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Order {number}  ·  {customer}</source>
        <translation>Pedido {number}  ·  {customer}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Order {number}</source>
        <translation>Pedido {number}</translation>
    </message>
    <message>
        <location filename="../../station/ui/screen_events.py" line="+21"/>
        <source>shipping label</source>
        <translation>etiqueta de envío</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>insert</source>
        <translation>albarán</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>test print</source>
        <translation>impresión de prueba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>print job</source>
        <translation>trabajo de impresión</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Station ready</source>
        <translation>Puesto listo</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>OK  {message}</source>
        <translation>OK  {message}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>LOT  Now scan the lot number of {sku}</source>
        <translation>LOTE  Ahora escanee el número de lote de {sku}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SERIAL  Now scan the serial number of {sku}</source>
        <translation>SERIE  Ahora escanee el número de serie de {sku}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>STOP  {reason}</source>
        <translation>ALTO  {reason}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>WEIGH  Put box {n} on the scale: {grams} g expected</source>
        <translation>PESAR  Ponga la caja {n} en la báscula: se esperan {grams} g</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>OK  Weight {grams} g</source>
        <translation>OK  Peso {grams} g</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>STOP  Weight {grams} g, expected {expected} ± {allow} g</source>
        <translation>ALTO  Peso {grams} g, se esperan {expected} ± {allow} g</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>OVERRIDE  by {who}: {reason}</source>
        <translation>AUTORIZADO  por {who}: {reason}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>PACKED  Order {number} is complete</source>
        <translation>EMBALADO  Pedido {number} completo</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Take the parcel off and scan the next order</source>
        <translation>Retire el paquete y escanee el siguiente pedido</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>HOLD  Order {number}: {reason}</source>
        <translation>RETENIDO  Pedido {number}: {reason}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>ERROR  {message}</source>
        <translation>ERROR  {message}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>PRINT  The {kind} waits: {why}</source>
        <translation>IMPRESIÓN  En espera ({kind}): {why}</translation>
    </message>
</context>
<context>
    <name>Override</name>
    <message>
        <location filename="../../station/ui/override.py" line="+37"/>
        <source>Scale issue</source>
        <translation>Fallo de la báscula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product data wrong</source>
        <translation>Datos del producto erróneos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Packaging variance</source>
        <translation>Variación del embalaje</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contents checked by hand</source>
        <translation>Contenido revisado a mano</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Put this item aside</source>
        <translation>Aparte este artículo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done, continue</source>
        <translation>Hecho, continuar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Short pick</source>
        <translation>Falta artículo</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Damaged</source>
        <translation>Dañado</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{reason}
It must not go in the parcel.</source>
        <translation>{reason}
No debe ir en el paquete.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Weight out of tolerance</source>
        <translation>Peso fuera de tolerancia</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-weigh</source>
        <translation>Repesar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Override with PIN</source>
        <translation>Autorizar con PIN</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{grams} g too heavy</source>
        <translation>sobran {grams} g</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{grams} g too light</source>
        <translation>faltan {grams} g</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{side} (expected {expected} g ± {allowance} g).
Missing or extra item? Wrong box? Something else on the scale?</source>
        <translation>{side} (se esperan {expected} g ± {allowance} g).
¿Falta o sobra un artículo? ¿Caja equivocada? ¿Hay algo más en la báscula?</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Override: choose the reason</source>
        <translation>Autorización: elija el motivo</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Back</source>
        <translation>Volver</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Supervisor {name}: touch a reason, press its key or scan a reason code.</source>
        <translation>Supervisor {name}: toque un motivo, pulse su tecla o escanee un código de motivo.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Badge number and PIN</source>
        <translation>Número de tarjeta y PIN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type or touch the badge number, then the PIN. Scanning the badge works too.</source>
        <translation>Teclee o toque el número de tarjeta y después el PIN. También puede escanear la tarjeta.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Badge number</source>
        <translation>Número de tarjeta</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Confirm</source>
        <translation>Confirmar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep packing</source>
        <translation>Seguir embalando</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{effect}
Press {key} again or touch Confirm.</source>
        <translation>{effect}
Pulse {key} otra vez o toque Confirmar.</translation>
    </message>
</context>
<context>
    <name>PrintPanel</name>
    <message>
        <location filename="../../station/ui/preview.py" line="+217"/>
        <source>Shipping label</source>
        <translation>Etiqueta de envío</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Insert</source>
        <translation>Albarán</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing printed yet</source>
        <translation>Aún no se ha impreso nada</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot read the print jobs</source>
        <translation>No se pueden leer los trabajos de impresión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No print job</source>
        <translation>Ningún trabajo de impresión</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{kind} (reprint)</source>
        <translation>{kind} (reimpresión)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Order {number}</source>
        <translation>Pedido {number}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tracking {number}</source>
        <translation>Seguimiento {number}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot show the preview: {error}</source>
        <translation>No se puede mostrar la vista previa: {error}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>printed {time}</source>
        <translation>impreso a las {time}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>waiting: {reason}</source>
        <translation>en espera: {reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>preview not available</source>
        <translation>vista previa no disponible</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the printer holds it until its fault is cleared</source>
        <translation>la impresora lo retiene hasta que se resuelva su fallo</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>in the print queue</source>
        <translation>en la cola de impresión</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../station/ui/long_work.py" line="+156"/>
        <source>Nothing running</source>
        <translation>Nada en curso</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cancel (Esc)</source>
        <translation>Cancelar (Esc)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>Ha fallado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped</source>
        <translation>Detenido</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stopping after the current step…</source>
        <translation>Deteniendo tras el paso actual…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../station/ui/settings_panel.py" line="+70"/>
        <source>System language</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>Sounds on</source>
        <translation>Sonido activado</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Volume</source>
        <translation>Volumen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat the reject sound every (0: once)</source>
        <translation>Repetir el sonido de rechazo cada (0: una vez)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Language (at the next start)</source>
        <translation>Idioma (en el próximo inicio)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Play accept</source>
        <translation>Oír aceptado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play reject</source>
        <translation>Oír rechazo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play complete</source>
        <translation>Oír completado</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This station has no settings file: changes last until it stops.</source>
        <translation>Este puesto no tiene archivo de ajustes: los cambios duran hasta que se detenga.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{percent} %</source>
        <translation>{percent} %</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Not saved: {error}</source>
        <translation>No guardado: {error}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved in {path}.</source>
        <translation>Guardado en {path}.</translation>
    </message>
</context>
<context>
    <name>SetupPanel</name>
    <message>
        <location filename="../../station/ui/setup_panel.py" line="+40"/>
        <source>Device setup</source>
        <translation>Configuración de dispositivos</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Find serial ports</source>
        <translation>Buscar puertos serie</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No configuration file: start the station with --config FILE to save here.</source>
        <translation>No hay archivo de configuración: inicie el puesto con --config ARCHIVO para guardar aquí.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Settings are saved to {path}</source>
        <translation>Los ajustes se guardan en {path}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Looking for serial ports...</source>
        <translation>Buscando puertos serie...</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Serial ports could not be listed: {why}</source>
        <translation>No se pudieron listar los puertos serie: {why}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Serial ports found: {count} ({names})</source>
        <translation>Puertos serie encontrados: {count} ({names})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No serial ports found. Network devices: socket://host:port</source>
        <translation>No se encontraron puertos serie. Dispositivos de red: socket://host:port</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Not saved: {device}: {why}</source>
        <translation>No guardado: {device}: {why}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Saving...</source>
        <translation>Guardando...</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved to {path}. Restart the station to use the new device settings.</source>
        <translation>Guardado en {path}. Reinicie el puesto para usar los nuevos ajustes de los dispositivos.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not saved: {why}</source>
        <translation>No guardado: {why}</translation>
    </message>
</context>
<context>
    <name>Supervisor</name>
    <message>
        <location filename="../../station/ui/supervisor.py" line="+29"/>
        <source>packbench: supervisor</source>
        <translation>packbench: supervisor</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Imports and reprints (F1)</source>
        <translation>Importar y reimprimir (F1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Devices (F2)</source>
        <translation>Dispositivos (F2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings (F3)</source>
        <translation>Ajustes (F3)</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../../station/ui/texts.py" line="+23"/>
        <source>Wrong item: {code} is not in this order.</source>
        <translation>Artículo equivocado: {code} no está en este pedido.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many: {sku} needs {qty}, {packed} already packed.</source>
        <translation>Sobran artículos: {sku} lleva {qty} y ya hay {packed} embalados.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrong lot for {sku}.</source>
        <translation>Lote equivocado para {sku}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired: {sku} cannot ship.</source>
        <translation>Caducado: {sku} no se puede enviar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown barcode {code}.</source>
        <translation>Código de barras desconocido: {code}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This serial number was already packed.</source>
        <translation>Este número de serie ya se ha embalado.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No order {code}.</source>
        <translation>No existe el pedido {code}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is an item. Scan an order first.</source>
        <translation>Eso es un artículo. Escanee primero un pedido.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This order is already packed.</source>
        <translation>Este pedido ya está embalado.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This order is on hold.</source>
        <translation>Este pedido está retenido.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This order is being packed at another station.</source>
        <translation>Este pedido se está embalando en otro puesto.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An order is open: finish or cancel it first.</source>
        <translation>Hay un pedido abierto: termínelo o cancélelo primero.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Put the parcel on the scale first.</source>
        <translation>Ponga primero el paquete en la báscula.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan your badge first.</source>
        <translation>Escanee primero su tarjeta.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This badge is not registered.</source>
        <translation>Esta tarjeta no está registrada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This badge is disabled.</source>
        <translation>Esta tarjeta está desactivada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A supervisor badge is needed to override.</source>
        <translation>Para autorizar hace falta una tarjeta de supervisor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor: choose a reason.</source>
        <translation>Supervisor: elija un motivo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown command {code}.</source>
        <translation>Comando desconocido: {code}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That cannot be done now.</source>
        <translation>Eso no se puede hacer ahora.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This box is still empty.</source>
        <translation>Esta caja todavía está vacía.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The barcode could not be read. Scan again.</source>
        <translation>No se pudo leer el código. Escanee de nuevo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The scanner sent bytes that are not text. Scan again.</source>
        <translation>El escáner envió datos que no son texto. Escanee de nuevo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The scanner sent a line that is too long. Check its suffix.</source>
        <translation>El escáner envió una línea demasiado larga. Revise su sufijo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The scan could not be stored; nothing changed. Scan again.</source>
        <translation>No se pudo guardar el escaneo; no ha cambiado nada. Escanee de nuevo.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No shipping label could be made.</source>
        <translation>No se pudo generar la etiqueta de envío.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is not this parcel&apos;s shipping label.</source>
        <translation>Esa no es la etiqueta de envío de este paquete.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong label: it belongs to another order. Do not ship it.</source>
        <translation>Etiqueta equivocada: es de otro pedido. No la envíe.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wrong badge number or PIN.</source>
        <translation>Número de tarjeta o PIN incorrecto.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many wrong PINs: scan the badge, or wait a minute.</source>
        <translation>Demasiados PIN incorrectos: escanee la tarjeta o espere un minuto.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That is the item barcode; scan the lot or serial number.</source>
        <translation>Ese es el código del artículo; escanee el lote o el número de serie.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That is not a lot number.</source>
        <translation>Eso no es un número de lote.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is not a serial number.</source>
        <translation>Eso no es un número de serie.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown box type {code}.</source>
        <translation>Tipo de caja desconocido: {code}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on hold: short pick</source>
        <translation>retenido: falta un artículo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on hold: damaged item</source>
        <translation>retenido: artículo dañado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled; it can be packed again</source>
        <translation>cancelado; se puede volver a embalar</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>OK</source>
        <translation>Correcto</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Badge accepted.</source>
        <translation>Tarjeta aceptada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Order opened.</source>
        <translation>Pedido abierto.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label OK.</source>
        <translation>Etiqueta correcta.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done.</source>
        <translation>Hecho.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Scan your badge</source>
        <translation>Escanee su tarjeta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan an order</source>
        <translation>Escanee el pedido</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan items ({units_packed}/{units_total})</source>
        <translation>Escanee los artículos ({units_packed}/{units_total})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan the lot number of {pending_sku}</source>
        <translation>Escanee el número de lote de {pending_sku}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan the serial number of {pending_sku}</source>
        <translation>Escanee el número de serie de {pending_sku}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place the parcel on the scale</source>
        <translation>Ponga el paquete en la báscula</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-weigh (F3) or supervisor override</source>
        <translation>Repese (F3) o autorización de supervisor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Supervisor: choose the reason</source>
        <translation>Supervisor: elija el motivo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan the shipping label</source>
        <translation>Escanee la etiqueta de envío</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>print head open</source>
        <translation>cabezal abierto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paper out</source>
        <translation>sin papel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ribbon out</source>
        <translation>sin cinta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>receive buffer full</source>
        <translation>búfer de recepción lleno</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paused</source>
        <translation>en pausa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>print head over temperature</source>
        <translation>cabezal demasiado caliente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>print head under temperature</source>
        <translation>cabezal demasiado frío</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cutter fault</source>
        <translation>fallo de la cuchilla</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>printer reports an error</source>
        <translation>la impresora indica un error</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paper low</source>
        <translation>queda poco papel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paper near end</source>
        <translation>el papel se acaba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cover open</source>
        <translation>tapa abierta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>label waiting to be taken</source>
        <translation>etiqueta esperando a ser retirada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>controller not ready</source>
        <translation>controlador no preparado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>offline</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tray calling</source>
        <translation>bandeja en camino</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tray present</source>
        <translation>bandeja presente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tray confirmed</source>
        <translation>bandeja confirmada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tray releasing</source>
        <translation>bandeja volviendo</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>{n} event(s) waiting</source>
        <translation>{n} evento(s) en espera</translation>
    </message>
</context>
<context>
    <name>ToolsPanel</name>
    <message>
        <location filename="../../station/ui/tools_panel.py" line="+84"/>
        <source>Supervisor tools</source>
        <translation>Herramientas de supervisor</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Imports are all or nothing: a file with an error writes nothing and lists the faulty lines. The packing screen keeps working meanwhile.</source>
        <translation>Las importaciones son todo o nada: un archivo con un error no guarda nada y muestra las líneas erróneas. Mientras tanto, la pantalla de embalaje sigue funcionando.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import products…</source>
        <translation>Importar productos…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Import orders…</source>
        <translation>Importar pedidos…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import boxes…</source>
        <translation>Importar cajas…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{action} ({key})</source>
        <translation>{action} ({key})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reprint labels for orders… ({key})</source>
        <translation>Reimprimir etiquetas de pedidos… ({key})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Order numbers, one per line</source>
        <translation>Números de pedido, uno por línea</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All orders packed at this station today ({key})</source>
        <translation>Todos los pedidos embalados hoy en este puesto ({key})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Start reprint ({key})</source>
        <translation>Iniciar reimpresión ({key})</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Import products</source>
        <translation>Importar productos</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Import orders</source>
        <translation>Importar pedidos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import boxes</source>
        <translation>Importar cajas</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import files (*.csv *.json *.jsonl);;All files (*)</source>
        <translation>Archivos de importación (*.csv *.json *.jsonl);;Todos los archivos (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Importing {file}…</source>
        <translation>Importando {file}…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Type the order numbers to reprint, one per line.</source>
        <translation>Escriba los números de pedido que quiere reimprimir, uno por línea.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Reprinting labels…</source>
        <translation>Reimprimiendo etiquetas…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Reprinting today&apos;s labels…</source>
        <translation>Reimprimiendo las etiquetas de hoy…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Imported {file}: {records} records, {created} created, {updated} updated, {unchanged} unchanged.</source>
        <translation>Importado {file}: {records} registros, {created} creados, {updated} actualizados, {unchanged} sin cambios.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>{order}: %n label(s) queued again</source>
        <translation>
            <numerusform>{order}: %n etiqueta vuelve a la cola</numerusform>
            <numerusform>{order}: %n etiquetas vuelven a la cola</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{order}: not reprinted ({reason})</source>
        <translation>{order}: no reimpreso ({reason})</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not reprinted (stopped): {orders}</source>
        <translation>No reimpresos (detenido): {orders}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No orders with a live label were packed at this station today.</source>
        <translation>Hoy no se ha embalado en este puesto ningún pedido con etiqueta vigente.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No orders to reprint.</source>
        <translation>No hay pedidos que reimprimir.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Stopped after {done} of {total} orders: %n label(s) queued again.</source>
        <translation>
            <numerusform>Detenido tras {done} de {total} pedidos: %n etiqueta vuelve a la cola.</numerusform>
            <numerusform>Detenido tras {done} de {total} pedidos: %n etiquetas vuelven a la cola.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Reprinted {done} of {total} orders: %n label(s) queued again.</source>
        <translation>
            <numerusform>Reimpresos {done} de {total} pedidos: %n etiqueta vuelve a la cola.</numerusform>
            <numerusform>Reimpresos {done} de {total} pedidos: %n etiquetas vuelven a la cola.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Nothing was reprinted: {reason}</source>
        <translation>No se reimprimió nada: {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fix these lines and import again:</source>
        <translation>Corrija estas líneas e importe de nuevo:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing was imported from {file}.</source>
        <translation>No se importó nada de {file}.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reprint stopped: nothing was reprinted.</source>
        <translation>Reimpresión detenida: no se reimprimió nada.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import of {file} stopped: nothing was imported.</source>
        <translation>Importación de {file} detenida: no se importó nada.</translation>
    </message>
</context>
<context>
    <name>VerdictSounds</name>
    <message>
        <location filename="../../station/ui/sound.py" line="+145"/>
        <source>Sound: off</source>
        <translation>Sonido: desactivado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sound: no audio output</source>
        <translation>Sonido: sin salida de audio</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sound: cannot play {names}</source>
        <translation>Sonido: no se puede reproducir {names}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound: on</source>
        <translation>Sonido: activado</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>turned off</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no audio output</source>
        <translation>sin salida de audio</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>cannot play {names}</source>
        <translation>no se puede reproducir {names}</translation>
    </message>
</context>
<context>
    <name>Weight</name>
    <message>
        <location filename="../../station/ui/weight_gauge.py" line="+96"/>
        <source>Scale</source>
        <translation>Báscula</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Box {n}: expected {grams} g</source>
        <translation>Caja {n}: se esperan {grams} g</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Accepted from {low} g to {high} g</source>
        <translation>Se acepta de {low} g a {high} g</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>no reading</source>
        <translation>sin lectura</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{grams} g</source>
        <translation>{grams} g</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+13"/>
        <source>settling…</source>
        <translation>estabilizando…</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>in range</source>
        <translation>en rango</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{grams} g too light</source>
        <translation>faltan {grams} g</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{grams} g too heavy</source>
        <translation>sobran {grams} g</translation>
    </message>
</context>
</TS>
