<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminGate</name>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="21" />
        <source>Template administration</source>
        <translation>模板管理</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="22" />
        <source>Admin password:</source>
        <translation>管理员密码：</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="27" />
        <source>No admin password is set, so templates cannot be edited. IT sets one at installation: tingji admin set-password --write</source>
        <translation>尚未设置管理员密码，因此不能编辑模板。请信息科在安装时设置：tingji admin set-password --write</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="29" />
        <source>Wrong admin password: template administration was not opened.</source>
        <translation>管理员密码错误：未打开模板管理。</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="30" />
        <source>The hospital file chooses the admin group policy but names no admin.group; ask IT.</source>
        <translation>医院配置文件采用管理员用户组策略，但未指定 admin.group；请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="32" />
        <source>Only members of the OS group of template admins may edit templates; ask IT.</source>
        <translation>只有模板管理员操作系统用户组的成员才能编辑模板；请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="33" />
        <source>This system has no OS groups; IT should set admin.policy = "password".</source>
        <translation>本系统不支持操作系统用户组；信息科应设置 admin.policy = "password"。</translation>
    </message>
    <message>
        <location filename="../../app/ui/admin_gate.py" line="34" />
        <source>The admin password in the hospital file is damaged; IT sets it again with tingji admin set-password --write</source>
        <translation>医院配置文件中的管理员密码已损坏；请信息科用 tingji admin set-password --write 重新设置</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/main_window.py" line="71" />
        <source>TingJi — outpatient record assistant</source>
        <translation>听记 — 门诊病历助手</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="100" />
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="101" />
        <location filename="../../app/ui/main_window.py" line="142" />
        <source>Copy for EMR</source>
        <translation>复制到电子病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="102" />
        <source>Copy the record as text for the EMR (Ctrl+Shift+C)</source>
        <translation>复制病历文本，粘贴到电子病历系统（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="103" />
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="104" />
        <source>Export FHIR</source>
        <translation>导出 FHIR</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="105" />
        <source>Redraft record</source>
        <translation>重新生成病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="137" />
        <source>&amp;Visit</source>
        <translation>就诊(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="138" />
        <source>Open the sample visit</source>
        <translation>打开示例就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="140" />
        <source>Replay the sample visit as a recording</source>
        <translation>以录音方式回放示例就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="146" />
        <source>Export instructions for the patient (PDF)</source>
        <translation>导出患者版医嘱（PDF）</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="151" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="157" />
        <source>&amp;Templates</source>
        <translation>模板(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="158" />
        <source>Manage templates…</source>
        <translation>模板管理…</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="160" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="161" />
        <source>Check models and microphone</source>
        <translation>检查模型和麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="265" />
        <location filename="../../app/ui/main_window.py" line="387" />
        <source>Sample visit: reference transcript, not recognised speech</source>
        <translation>示例就诊：显示的是参考文本，并非语音识别结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="278" />
        <source>Cannot start recording: %1</source>
        <translation>无法开始录音：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="295" />
        <source>Cannot resume: %1</source>
        <translation>无法继续录音：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="373" />
        <source>Transcribing the last words</source>
        <translation>正在转写最后几句</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="373" />
        <source>Separating speakers</source>
        <translation>正在区分说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="374" />
        <source>Labelling doctor and patient</source>
        <translation>正在标注医生和患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="374" />
        <source>Writing the record</source>
        <translation>正在生成病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="375" />
        <source>Loading the speech model</source>
        <translation>正在加载语音识别模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="376" />
        <source>Loading the speaker model</source>
        <translation>正在加载说话人模型</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="388" />
        <source>%1 utterances · right-click to correct a speaker</source>
        <translation>共 %1 句 · 右键可更正说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="392" />
        <source>No speech was recognised in this visit; the audio is kept.</source>
        <translation>本次就诊未识别到语音；录音已保存。</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="415" />
        <source>Draft ready: check the flagged sentences, then sign</source>
        <translation>草稿已生成：请核对标记的句子后签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="424" />
        <location filename="../../app/ui/main_window.py" line="426" />
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="461" />
        <source>This sentence has no supporting utterance</source>
        <translation>此句在对话中没有依据</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="491" />
        <source>Speakers corrected: press 'Redraft record' to write the record again</source>
        <translation>已更正说话人：点击“重新生成病历”以重写病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/main_window.py" line="514" />
        <source>No transcript was stored for this visit</source>
        <translation>此次就诊没有保存转写文本</translation>
    </message>
</context>
<context>
    <name>OutputActions</name>
    <message>
        <location filename="../../app/ui/output_actions.py" line="43" />
        <source>Signed by %1 at %2</source>
        <translation>%1 已于 %2 签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="58" />
        <source>Record copied: paste it into the EMR</source>
        <translation>病历已复制，可粘贴到电子病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="86" />
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="93" />
        <source>Export FHIR</source>
        <translation>导出 FHIR</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="102" />
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="104" />
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/output_actions.py" line="109" />
        <source>The language changes the next time TingJi starts.</source>
        <translation>界面语言将在下次启动听记时生效。</translation>
    </message>
</context>
<context>
    <name>PatientHeader</name>
    <message>
        <location filename="../../app/ui/patient_header.py" line="19" />
        <source>Patient name</source>
        <translation>患者姓名</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="21" />
        <source>Patient ID</source>
        <translation>门诊号</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="23" />
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="26" />
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="32" />
        <source>First visit</source>
        <translation>初诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="33" />
        <source>Follow-up</source>
        <translation>复诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="37" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/patient_header.py" line="38" />
        <source>Template</source>
        <translation>模板</translation>
    </message>
</context>
<context>
    <name>QcPanel</name>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="100" />
        <source>Error: fix before signing</source>
        <translation>错误：签名前须修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="100" />
        <source>Warning: check</source>
        <translation>警告：请核对</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="101" />
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="108" />
        <source>1 error</source>
        <translation>1 个错误</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="108" />
        <source>%n errors</source>
        <translation>
            <numerusform>%n 个错误</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="109" />
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="109" />
        <source>%n warnings</source>
        <translation>
            <numerusform>%n 个警告</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="110" />
        <source>1 note</source>
        <translation>1 条提示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="110" />
        <source>%n notes</source>
        <translation>
            <numerusform>%n 条提示</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/ui/qc_panel.py" line="111" />
        <source>%n reviewed</source>
        <translation>
            <numerusform>已核对 %n 条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/ui/qc_panel.py" line="114" />
        <source>No QC findings</source>
        <translation>质控未发现问题</translation>
    </message>
</context>
<context>
    <name>RecordBar</name>
    <message>
        <location filename="../../app/ui/record_bar.py" line="37" />
        <location filename="../../app/ui/record_bar.py" line="99" />
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="43" />
        <source>Start recording the visit (Ctrl+R)</source>
        <translation>开始录制本次就诊（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="44" />
        <location filename="../../app/ui/record_bar.py" line="101" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="46" />
        <source>Stop</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="48" />
        <source>Stop and write the record (Ctrl+E)</source>
        <translation>结束录音并生成病历（Ctrl+E）</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="55" />
        <source>Input level</source>
        <translation>输入音量</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="61" />
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="88" />
        <source>System default microphone</source>
        <translation>系统默认麦克风</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="99" />
        <source>Recording…</source>
        <translation>录音中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_bar.py" line="101" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>RecordEditor</name>
    <message>
        <location filename="../../app/ui/record_editor.py" line="177" />
        <source>Mark as reviewed</source>
        <translation>标记为已核对</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="95" />
        <source>Edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="96" />
        <source>Changed by the doctor; its flags are checked again</source>
        <translation>医生已修改；已重新核查</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="99" />
        <source>Regenerating…</source>
        <translation>重新生成中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="100" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="101" />
        <source>Write this section again from the visit</source>
        <translation>根据对话重新生成本节</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_block.py" line="121" />
        <source>Writing…</source>
        <translation>生成中…</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="36" />
        <source>Not supported by the visit</source>
        <translation>对话中无依据</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="38" />
        <source>Contradicts the visit</source>
        <translation>与对话矛盾</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="43" />
        <source>{verdict}: {reason}</source>
        <translation>{verdict}：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/record_editor_format.py" line="46" />
        <source>Reviewed by the doctor</source>
        <translation>医生已核对</translation>
    </message>
</context>
<context>
    <name>StartupActions</name>
    <message>
        <location filename="../../app/ui/startup.py" line="59" />
        <source>No speech model is installed, so TingJi cannot transcribe yet. The sample visit is open so you can see the whole flow; the record is written without a language model. Ask IT to install the model packs (tingji models install).</source>
        <translation>尚未安装语音识别模型，听记暂时无法转写。已打开示例就诊，可体验完整流程；病历由无模型的抽取式方法生成。请联系信息科安装模型包（tingji models install）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="63" />
        <source>No speaker model is installed: the transcript will not tell doctor and patient apart.</source>
        <translation>尚未安装说话人模型：转写文本无法区分医生和患者。</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="42" />
        <source>No microphone found: %1</source>
        <translation>未找到麦克风：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="43" />
        <source>connect one and restart TingJi</source>
        <translation>请连接麦克风后重新启动听记</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="88" />
        <source>Sample visit: reference transcript, not recognised speech</source>
        <translation>示例就诊：显示的是参考文本，并非语音识别结果</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="129" />
        <source>A visit from %1 was interrupted (%2 s of audio kept). Finish it?</source>
        <translation>%1 开始的就诊意外中断（已保存 %2 秒录音）。是否完成该就诊？</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="132" />
        <source>Finish the visit</source>
        <translation>完成该就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="133" />
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="154" />
        <source>Recovered visit</source>
        <translation>已恢复的就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/startup.py" line="164" />
        <source>The interrupted visit was discarded.</source>
        <translation>已丢弃中断的就诊。</translation>
    </message>
</context>
<context>
    <name>TemplateAdminDialog</name>
    <message>
        <location filename="../../app/ui/template_admin.py" line="45" />
        <source>Template administration</source>
        <translation>模板管理</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="48" />
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="48" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="48" />
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="53" />
        <source>New from copy…</source>
        <translation>复制新建…</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="54" />
        <source>Import YAML…</source>
        <translation>导入 YAML…</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="55" />
        <source>Export YAML…</source>
        <translation>导出 YAML…</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="59" />
        <source>Press Preview to draft the sample visit's record with this template</source>
        <translation>点击“预览”，用此模板生成示例就诊的病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="64" />
        <source>Validate</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="65" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="66" />
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="67" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="89" />
        <source>Preview: the sample visit's record</source>
        <translation>预览：示例就诊的病历</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="136" />
        <source>%1 — draft from version %2</source>
        <translation>%1 — 基于版本 %2 的草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="139" />
        <location filename="../../app/ui/template_admin.py" line="224" />
        <source>Publishing makes version %1</source>
        <translation>发布后为版本 %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="160" />
        <source>Not valid: %1</source>
        <translation>校验未通过：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="162" />
        <source>Valid: %1 sections</source>
        <translation>校验通过：共 %1 个段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="186" />
        <source>The audit trail is not available, so nothing can be published.</source>
        <translation>审计日志不可用，因此不能发布。</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="195" />
        <source>Not published: %1</source>
        <translation>未发布：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="203" />
        <source>Published %1 version %2; new visits use it.</source>
        <translation>已发布 %1 版本 %2；新就诊将使用此版本。</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="206" />
        <source>Published %1 version %2, but the audit entry could not be written: %3</source>
        <translation>已发布 %1 版本 %2，但审计记录写入失败：%3</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="217" />
        <source>A new template needs an id and a title.</source>
        <translation>新模板需要标识和标题。</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="220" />
        <source>A template with the id %1 exists already.</source>
        <translation>标识为 %1 的模板已存在。</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="223" />
        <source>%1 — new template</source>
        <translation>%1 — 新模板</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="232" />
        <source>Cannot import: %1</source>
        <translation>无法导入：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="234" />
        <source>%1 — imported from %2</source>
        <translation>%1 — 从 %2 导入</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="249" />
        <source>Cannot export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="251" />
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="259" />
        <location filename="../../app/ui/template_admin.py" line="263" />
        <source>New from copy</source>
        <translation>复制新建</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="259" />
        <source>New template id:</source>
        <translation>新模板标识：</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="263" />
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="268" />
        <source>Import YAML</source>
        <translation>导入 YAML</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="268" />
        <location filename="../../app/ui/template_admin.py" line="277" />
        <source>Templates (*.yaml *.yml)</source>
        <translation>模板 (*.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_admin.py" line="276" />
        <source>Export YAML</source>
        <translation>导出 YAML</translation>
    </message>
</context>
<context>
    <name>TemplateForm</name>
    <message>
        <location filename="../../app/ui/template_form.py" line="38" />
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="39" />
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="41" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="42" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="43" />
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="44" />
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="48" />
        <source>Required (empty is a QC error)</source>
        <translation>必填（为空时质控报错）</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="51" />
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="54" />
        <source>One term per line</source>
        <translation>每行一个词</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="61" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="62" />
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="63" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="68" />
        <source>Section id</source>
        <translation>段落标识</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="69" />
        <source>Section title</source>
        <translation>段落标题</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="70" />
        <source>Instruction</source>
        <translation>书写要求</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="72" />
        <source>Maximum length (characters)</source>
        <translation>最大长度（字）</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="73" />
        <source>Example</source>
        <translation>示例</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="74" />
        <source>Sections</source>
        <translation>段落</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="81" />
        <source>Vocabulary (terms the speech recogniser should favour)</source>
        <translation>词表（语音识别优先识别的术语）</translation>
    </message>
    <message>
        <location filename="../../app/ui/template_form.py" line="184" />
        <source>New section</source>
        <translation>新段落</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Doctor</source>
        <translation>医生</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="51" />
        <source>Companion</source>
        <translation>家属</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="52" />
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="114" />
        <source>Mark as %1</source>
        <translation>标为%1</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="118" />
        <source>Swap roles with %1 (%2)</source>
        <translation>与 %1（%2）互换角色</translation>
    </message>
    <message>
        <location filename="../../app/ui/transcript_view.py" line="120" />
        <source>Same person as %1: merge</source>
        <translation>与 %1 是同一人：合并</translation>
    </message>
</context>
<context>
    <name>VisitsList</name>
    <message>
        <location filename="../../app/ui/visits_list.py" line="24" />
        <source>Today's visits</source>
        <translation>今日就诊</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>recording</source>
        <translation>录音中</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>processing</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="28" />
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="29" />
        <source>signed</source>
        <translation>已签名</translation>
    </message>
    <message>
        <location filename="../../app/ui/visits_list.py" line="29" />
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
</context>
</TS>